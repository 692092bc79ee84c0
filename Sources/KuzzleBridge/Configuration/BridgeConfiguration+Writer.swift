extension BridgeConfiguration {
    /// Validates `writer:` (route, concurrency, max_concurrency, retry_on_conflict).
    ///
    /// - Throws: A ``ConfigurationError`` naming `writer.route`, `writer.concurrency`, `writer.max_concurrency` or
    ///   `writer.retry_on_conflict`.
    static func writerSettings(_ section: ConfigurationFile.Writer?) throws -> WriterSettings {
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
