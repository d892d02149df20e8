import CrierCore
import Foundation
import Logging
import Synchronization

/// Writes each log entry as one JSON object on one line: `time` (UTC, to the millisecond),
/// `level`, `message`, `label`, then the metadata as fields of their own (nested metadata as
/// nested objects and arrays), for log collectors that parse lines.
public struct JSONLogHandler: LogHandler {
    /// Where lines go; one lock per destination so lines from different threads never interleave.
    public final class Output: Sendable {
        let write: @Sendable (String) -> Void
        private let lock = Mutex(())

        public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

        func line(_ text: String) { lock.withLock { _ in write(text) } }

        /// Standard error, a whole line per write.
        public static let standardError = Output { text in
            var text = text
            text.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let n = Foundation.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                    if n <= 0 { return }
                    offset += n
                }
            }
        }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let output: Output
    /// `2026-12-02T17:04:05.123Z`.
    private let times = RFC3339Writer(zone: TimeZone(identifier: "UTC")!, milliseconds: true)

    public init(label: String, output: Output, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        var line = "{\"time\":"
        Self.append(string: times.string(Date()), to: &line)
        line += ",\"level\":"
        Self.append(string: event.level.rawValue, to: &line)
        line += ",\"message\":"
        Self.append(string: "\(event.message)", to: &line)
        line += ",\"label\":"
        Self.append(string: label, to: &line)
        // The four above are ours; a metadata key with one of their names can't replace them.
        for key in fields.keys.sorted() where !["time", "level", "message", "label"].contains(key) {
            line += ","
            Self.append(string: key, to: &line)
            line += ":"
            line += Self.json(fields[key]!).jsonText
        }
        line += "}\n"
        output.line(line)
    }

    /// Metadata as JSON (nested metadata as objects and arrays), written by `JSONValue.jsonText`.
    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let values): .object(values.mapValues(json))
        }
    }

    static func append(string: String, to line: inout String) {
        JSONValue.quote(string, into: &line)
    }
}
