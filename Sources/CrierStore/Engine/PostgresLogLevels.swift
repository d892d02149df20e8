import Logging

/// postgres-nio logs a failed connection attempt ("Connection creation failed") at info, where an
/// operator keeping only warnings would never see that the database is unreachable. Entries that
/// carry a `psql_error` are raised to warning; everything else passes through as it was.
struct PostgresLogLevels: LogHandler {
    var upstream: any LogHandler
    /// The level the operator asked for: what reaches `upstream` is at least this.
    var threshold: Logger.Level

    var metadata: Logger.Metadata {
        get { upstream.metadata }
        set { upstream.metadata = newValue }
    }

    /// Info entries must reach `log` to be raised, so the logger lets them through; `log`
    /// then drops what is still below the operator's level.
    var logLevel: Logger.Level {
        get { min(threshold, .info) }
        set { threshold = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { upstream.metadataProvider }
        set { upstream.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { upstream[metadataKey: key] }
        set { upstream[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if event.level < .warning, event.metadata?["psql_error"] != nil { event.level = .warning }
        guard event.level >= threshold else { return }
        upstream.log(event: event)
    }

    /// `logger`, with connection failures raised to warning.
    static func raising(_ logger: Logger) -> Logger {
        Logger(label: logger.label) { _ in PostgresLogLevels(upstream: logger.handler, threshold: logger.logLevel) }
    }
}
