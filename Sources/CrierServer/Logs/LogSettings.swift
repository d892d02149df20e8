import Foundation
import Logging

/// How the server logs, from `CRIER_LOG_LEVEL` and `CRIER_LOG_FORMAT`, checked once at start so a
/// typo is refused with the choices instead of silently logging at the default.
public struct LogSettings: Sendable, Equatable {
    /// One JSON object per line, or lines for people.
    public enum Format: String, Sendable, CaseIterable {
        case json
        case text
    }

    public var level: Logger.Level
    public var format: Format

    /// A setting the environment got wrong; its description is the message to print.
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Info, as text.
    public static let fallback = LogSettings(level: .info, format: .text)

    public init(level: Logger.Level, format: Format) {
        self.level = level
        self.format = format
    }

    /// `terminal`: whether standard error is a terminal, which makes text the default format.
    public init(environment: [String: String], terminal: Bool) throws(Refusal) {
        let levelText = environment["CRIER_LOG_LEVEL"].map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if levelText.isEmpty {
            level = .info
        } else if let level = Logger.Level(rawValue: levelText) {
            self.level = level
        } else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw Refusal(description: "CRIER_LOG_LEVEL must be one of \(levels), not '\(environment["CRIER_LOG_LEVEL"] ?? "")'")
        }
        let formatText = environment["CRIER_LOG_FORMAT"].map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if formatText.isEmpty {
            format = terminal ? .text : .json
        } else if let format = Format(rawValue: formatText) {
            self.format = format
        } else {
            throw Refusal(description: "CRIER_LOG_FORMAT must be json or text, not '\(environment["CRIER_LOG_FORMAT"] ?? "")'")
        }
    }

    /// A logger writing to standard error in this format at this level.
    public func logger(label: String = "crier") -> Logger {
        let format = format
        var logger = Logger(label: label) { label in
            switch format {
            case .json: JSONLogHandler(label: label, output: .standardError)
            case .text: StreamLogHandler.standardError(label: label)
            }
        }
        logger.logLevel = level
        return logger
    }
}
