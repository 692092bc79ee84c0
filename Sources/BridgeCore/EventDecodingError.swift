/// Why a Kafka record could not be turned into a ``DocumentEvent``.
///
/// Such a record is permanent poison: retrying it gives the same answer, so the pipeline dead-letters it (with
/// ``kind`` and ``reason`` in the dead-letter headers) or halts its partition.
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem; its raw value is stable and meant for a dead-letter header.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// The value (or the body inside an envelope) is not well-formed JSON.
        case malformedJSON = "malformed-json"
        /// The value, or the body, is well-formed JSON but not an object.
        case notAnObject = "not-an-object"
        /// A required field is missing (an envelope's `body`, a target without default, a delete without id).
        case missingField = "missing-field"
        /// A field has the wrong JSON type, is not UTF-8, or appears twice.
        case invalidField = "invalid-field"
        /// An index or collection name breaks Kuzzle's naming rules (``KuzzleNames``).
        case invalidName = "invalid-name"
        /// The action is not one of `write`, `create`, `update`, `delete`.
        case unknownAction = "unknown-action"
        /// The document id is empty or longer than 512 bytes (`DocumentRules`; Elasticsearch would refuse the whole bulk).
        case invalidID = "invalid-id"
        /// The record is a tombstone (null value) and nothing names the document to delete.
        case tombstoneWithoutKey = "tombstone-without-key"
        /// The body is one Kuzzle's bulk:import cannot carry intact (a `script`/`_script` key it refuses the whole
        /// request for, or only keys it takes for action names) and no route that can is open to the event: a create
        /// or update, or any action under `writer.route: import` (``ImportHazard``).
        case importHazard = "import-hazard"
        /// The topic is fenced (`writer.fence`) and the event cannot carry a valid external version: it is a `create`
        /// or `update` (Elasticsearch accepts external versions on `index` and `delete` only), or its version header
        /// is missing or not a decimal integer from 0 to 2^53 − 1.
        case fence = "fence"
        /// A Debezium record that is not a row change: a heartbeat, schema-change or transaction record (no `op`), or
        /// a logical message (`op: m`). Skipped, not dead-lettered (``Disposition/skip``).
        case notARowChange = "not-a-row-change"
        /// A Debezium truncate (`op: t`), handled by `debezium.truncate` (``DebeziumRouting/TruncatePolicy``).
        case truncate = "truncate"
        /// The key or value lacks the framing its topic declares (`value_framing`/`key_framing: confluent`).
        case framing = "framing"
    }

    /// What the pipeline does with a record that gives no document operation.
    public enum Disposition: String, Sendable, Equatable, CaseIterable {
        /// Send it to the dead-letter topic (or halt its partition when there is none): the usual answer to bad input.
        case deadLetter = "dead-letter"
        /// Complete its offset without writing anything, counting it per topic (Debezium records that carry no row).
        case skip
        /// Halt its partition (`debezium.truncate: halt`).
        case halt
    }

    /// The record the problem was found in.
    public var source: EventSource
    /// The class of problem.
    public var kind: Kind
    /// The field at fault: `value`, `key`, `index`, `collection`, `_id`, `action`, `body`, or a header name
    /// such as `kuzzle-index`.
    public var field: String
    /// A sentence for the operator, without the event's coordinates (``description`` adds them).
    public var reason: String
    /// The byte position within the value where a JSON problem was found, when there is one.
    public var position: Int?
    /// What the pipeline does with the record. Default: ``Disposition/deadLetter``.
    public var disposition: Disposition

    /// Creates an error.
    public init(
        source: EventSource,
        kind: Kind,
        field: String,
        reason: String,
        position: Int? = nil,
        disposition: Disposition = .deadLetter
    ) {
        self.source = source
        self.kind = kind
        self.field = field
        self.reason = reason
        self.position = position
        self.disposition = disposition
    }

    /// `topic/partition@offset: <field>: <reason> (kind)`, one log line with everything the operator needs.
    public var description: String {
        var text = "\(source): \(field): \(reason)"
        if let position { text += " at byte \(position)" }
        return text + " (\(kind.rawValue))"
    }
}
