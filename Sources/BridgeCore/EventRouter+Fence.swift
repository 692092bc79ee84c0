extension EventRouter {
    /// The external version of a fenced event (`writer.fence`, fence.md §2), `nil` for an unfenced topic.
    ///
    /// - Throws: A ``EventDecodingError/Kind/fence`` problem for a `create` or `update` (Elasticsearch takes external
    ///   versions on `index` and `delete` only, and an unfenced one would defeat the fence: a create sets version 1,
    ///   an update re-applies on a replay), and for a version header that is missing, null, or not a decimal integer
    ///   from 0 to 2^53 − 1. No allocation on the success path.
    func externalVersion(
        of record: borrowing SourceRecord,
        action: DocumentAction,
        fence: ExternalVersionFence
    ) throws(RoutingProblem) -> Int64? {
        let name: String
        switch fence {
        case .disabled:
            return nil
        case .offset:
            name = ""
        case .header(let header):
            name = header
        }
        guard action == .write || action == .delete else {
            throw RoutingProblem(
                .fence,
                "action",
                "writer.fence is \(fence): a \(action) cannot carry an external version (Elasticsearch accepts them on "
                    + "index and delete lines only), and sent unfenced it would defeat the fence; send whole documents "
                    + "(write) or turn writer.fence off for this topic"
            )
        }
        if fence == .offset {
            guard record.offset >= 0, record.offset <= ExternalVersionFence.maximumVersion else {
                throw RoutingProblem(.fence, "offset", "writer.fence is offset: the offset is not below 2^53")
            }
            return record.offset
        }
        // The last header of that name wins, as for the kuzzle-* headers.
        var found: [UInt8]?? = .none
        for header in record.headers where header.name.utf8.elementsEqual(name.utf8) {
            found = .some(header.value)
        }
        guard case .some(let value) = found else {
            throw RoutingProblem(.fence, name, "writer.fence is \(fence): the event has no \(name) header")
        }
        guard let value, let version = ExternalVersionFence.version(parsing: value) else {
            throw RoutingProblem(
                .fence,
                name,
                "writer.fence is \(fence): the \(name) header is not a decimal integer from 0 to 2^53 - 1"
            )
        }
        return version
    }
}
