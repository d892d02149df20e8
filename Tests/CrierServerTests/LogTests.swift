import CrierServer
import Foundation
import Logging
import Synchronization
import Testing

/// `CRIER_LOG_LEVEL` and `CRIER_LOG_FORMAT` are checked once, and JSON lines stay one parseable
/// object a line whatever the message and metadata hold.
struct LogTests {
    @Test
    func settingsDefaultToTextOnATerminalAndJSONOtherwise() throws {
        #expect(try LogSettings(environment: [:], terminal: true) == LogSettings(level: .info, format: .text))
        #expect(try LogSettings(environment: [:], terminal: false) == LogSettings(level: .info, format: .json))
        #expect(try LogSettings(environment: ["CRIER_LOG_FORMAT": "TEXT", "CRIER_LOG_LEVEL": " Warning "], terminal: false)
            == LogSettings(level: .warning, format: .text))
        #expect(try LogSettings(environment: ["CRIER_LOG_FORMAT": "json"], terminal: true).format == .json)
    }

    @Test(arguments: [
        (["CRIER_LOG_LEVEL": "verbose"], "CRIER_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical, not 'verbose'"),
        (["CRIER_LOG_FORMAT": "logfmt"], "CRIER_LOG_FORMAT must be json or text, not 'logfmt'"),
    ])
    func aBadSettingIsRefusedWithTheChoices(environment: [String: String], message: String) {
        let refusal = #expect(throws: LogSettings.Refusal.self) { try LogSettings(environment: environment, terminal: true) }
        #expect(refusal?.description == message)
    }

    @Test
    func jsonLinesCarryTimeLevelMessageAndMetadataAsFields() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "test") { JSONLogHandler(label: $0, output: .init { line in lines.withLock { $0.append(line) } }) }
        logger.logLevel = .debug
        logger[metadataKey: "request_id"] = "abc"
        logger.warning("line one\nline \"two\" \u{1}", metadata: [
            "venue": "3", "level": "forged", "nested": .dictionary(["ids": .array(["1", "2"])]),
        ])
        logger.trace("below the level")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("}\n") && line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["message"] as? String == "line one\nline \"two\" \u{1}")
        #expect(object["label"] as? String == "test")
        #expect(object["request_id"] as? String == "abc")
        #expect(object["venue"] as? String == "3")
        #expect((object["nested"] as? [String: Any])?["ids"] as? [String] == ["1", "2"])
        let time = try #require(object["time"] as? String)
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
    }
}
