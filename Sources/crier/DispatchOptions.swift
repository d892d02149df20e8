import ArgumentParser
import CrierServer
import Foundation

/// The scheduler's knobs an operator may turn from the environment (defaults in `Dispatcher.Settings`).
enum DispatchOptions {
    static func settings(_ env: [String: String]) throws -> Dispatcher.Settings {
        var settings = Dispatcher.Settings()
        func seconds(_ name: String, _ range: ClosedRange<Double>) throws -> Double? {
            guard let text = env[name] else { return nil }
            guard let n = Double(text), range.contains(n) else {
                throw ValidationError("\(name) must be a number of seconds between \(range.lowerBound) and \(range.upperBound), not '\(text)'")
            }
            return n
        }
        if let n = try seconds("CRIER_SEND_TIMEOUT", 1...120) { settings.sendTimeout = n }
        if let n = try seconds("CRIER_SETTLE_FIRST_CHECK", 0...86_400) { settings.firstCheck = n }
        if let n = try seconds("CRIER_SETTLE_AFTER", 1...86_400) { settings.settleAfter = n }
        if let n = try seconds("CRIER_SENDS_PER_SECOND", 0.1...100_000) {
            settings.sendsPerSecond = n
            settings.burst = max(1, min(n, 1_000))
        }
        return settings
    }
}
