import BridgeCore

extension BridgeConfiguration {
    /// Validates `writer:` (route, concurrency, max_concurrency, retry_on_conflict, fence, fence_gc_deletes).
    ///
    /// - Throws: A ``ConfigurationError`` naming `writer.route`, `writer.concurrency`, `writer.max_concurrency`,
    ///   `writer.retry_on_conflict`, `writer.fence` or `writer.fence_gc_deletes`; a fence with `writer.route: mWrite`
    ///   names `writer.route`.
    static func writerSettings(_ section: ConfigurationFile.Writer?) throws -> WriterSettings {
        var settings = try writerBaseSettings(section)
        settings.fence = try writerFence(section?.fence)
        settings.fenceGCDeletes = try ConfigurationField.duration(
            section?.fenceGcDeletes,
            key: "writer.fence_gc_deletes",
            default: .seconds(60),
            in: .zero...Duration.seconds(86_400 * 365)
        )
        if settings.fence.isEnabled, settings.route == .mWrite || settings.route == .document {
            throw ConfigurationError.invalid(
                key: "writer.route",
                value: settings.route.rawValue,
                reason: "writer.fence is \(settings.fence): external versions travel only through bulk:import; "
                    + "use import or auto (auto sends fenced collections through import)"
            )
        }
        try writerRealtimeSettings(section, into: &settings)
        return settings
    }

    /// `writer.notify` (a boolean, with `writer.route` mWrite or auto; the document route always notifies) and
    /// `writer.documents_write_count` (1 to 10,000, only with `writer.route: document`).
    private static func writerRealtimeSettings(
        _ section: ConfigurationFile.Writer?,
        into settings: inout WriterSettings
    ) throws {
        settings.notify = try ConfigurationField.boolean(section?.notify, key: "writer.notify", default: false)
        if settings.notify {
            switch settings.route {
            case .import:
                throw ConfigurationError.invalid(
                    key: "writer.notify",
                    value: "true",
                    reason: "bulk:import never sends realtime notifications; use writer.route mWrite or auto, or "
                        + "document (which notifies every action)"
                )
            case .document:
                throw ConfigurationError.invalid(
                    key: "writer.notify",
                    value: "true",
                    reason: "writer.notify applies to bulk:mWrite (routes mWrite and auto); the document route "
                        + "always notifies: remove writer.notify"
                )
            case .mWrite, .auto:
                break
            }
            if settings.fence.isEnabled {
                throw ConfigurationError.invalid(
                    key: "writer.notify",
                    value: "true",
                    reason: "writer.fence sends every write through bulk:import, which never notifies"
                )
            }
        }
        if let text = section?.documentsWriteCount {
            guard settings.route == .document else {
                throw ConfigurationError.invalid(
                    key: "writer.documents_write_count",
                    value: text,
                    reason: "only the document route has a count limit (writer.route is \(settings.route.rawValue))"
                )
            }
            settings.documentsWriteCount = try ConfigurationField.integer(
                text,
                key: "writer.documents_write_count",
                default: WriterSettings.defaultDocumentsWriteCount,
                in: 1...10_000
            )
        }
    }

    /// `writer.fence`: `none` (the default), `offset`, or `header:<name>` (a non-empty header name).
    static func writerFence(_ text: String?) throws -> ExternalVersionFence {
        guard let text else { return .disabled }
        let value = text.trimmingWhitespace()
        switch value.lowercased() {
        case "none": return .disabled
        case "offset": return .offset
        default: break
        }
        if value.lowercased().hasPrefix("header:") {
            let name = String(value.dropFirst("header:".count)).trimmingWhitespace()
            guard !name.isEmpty else {
                throw ConfigurationError.invalid(
                    key: "writer.fence",
                    value: text,
                    reason: "header: needs a header name"
                )
            }
            return .header(name)
        }
        let hint = value.lowercased().hasPrefix("field:") ? " (field:<json pointer> is not supported yet)" : ""
        throw ConfigurationError.invalid(
            key: "writer.fence",
            value: text,
            reason: "expected none, offset or header:<name>\(hint)"
        )
    }

    private static func writerBaseSettings(_ section: ConfigurationFile.Writer?) throws -> WriterSettings {
        WriterSettings(
            route: try ConfigurationField.choice(section?.route, key: "writer.route", default: .auto),
            concurrency: try writerConcurrency(section?.concurrency),
            maximumConcurrency: try ConfigurationField.integer(
                section?.maxConcurrency,
                key: "writer.max_concurrency",
                default: 8,
                in: 1...256
            ),
            retryOnConflict: try ConfigurationField.integer(
                section?.retryOnConflict,
                key: "writer.retry_on_conflict",
                default: WriterSettings.defaultRetryOnConflict,
                in: 0...WriterSettings.maximumRetryOnConflict
            )
        )
    }

    /// `writer.concurrency`: a whole number from 1 to 256 (fixed), or `adaptive` (the default).
    private static func writerConcurrency(_ text: String?) throws -> WriterSettings.Concurrency {
        guard let text, text.trimmingWhitespace().lowercased() != "adaptive" else { return .adaptive }
        do {
            return .fixed(try ConfigurationField.integer(text, key: "writer.concurrency", default: 4, in: 1...256))
        } catch ConfigurationError.invalid(let key, let value, let reason) {
            throw ConfigurationError.invalid(key: key, value: value, reason: reason + ", or adaptive")
        }
    }
}

extension BridgeConfiguration {
    /// With `writer.fence: offset`, two topics whose routing names the same default index and collection would write
    /// one collection from two unrelated offset spaces (fence.md §2 rule 3): refused, naming `writer.fence`. Events
    /// that name their target themselves cannot be checked here (the README states the precondition).
    static func checkOffsetFence(_ writer: WriterSettings, routings: [String: TopicRouting]) throws {
        guard writer.fence == .offset else { return }
        var topicByTarget: [DocumentTarget: String] = [:]
        for (topic, routing) in routings.sorted(by: { $0.key < $1.key }) {
            guard let index = routing.defaultIndex, let collection = routing.defaultCollection else { continue }
            let target = DocumentTarget(index: index, collection: collection)
            if let other = topicByTarget.updateValue(topic, forKey: target) {
                throw ConfigurationError.invalid(
                    key: "writer.fence",
                    value: "offset",
                    reason: "topics \(other) and \(topic) both write \(target): offsets of two topics are unrelated, "
                        + "so an offset fence would drop one topic's writes as stale; use header:<name>, or one topic "
                        + "per collection"
                )
            }
        }
    }
}
