import Foundation
import Synchronization

/// Where every "now" in Crier comes from, so reminder and retry logic is tested without sleeping.
public protocol Clock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The machine's clock, truncated to milliseconds (the resolution Crier stores).
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date().truncatedToMilliseconds }
}

/// A clock that only moves when told to: for tests and `crier serve --test-clock`.
public final class ManualClock: Clock {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start.truncatedToMilliseconds) }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock to `date`. Time never runs backwards: an earlier date is refused.
    @discardableResult
    public func advance(to date: Date) -> Bool {
        current.withLock { now in
            guard date >= now else { return false }
            now = date.truncatedToMilliseconds
            return true
        }
    }

    /// Moves the clock forward by `interval` seconds.
    public func advance(by interval: TimeInterval) {
        current.withLock { $0 = ($0 + max(0, interval)).truncatedToMilliseconds }
    }
}

extension Date {
    /// Milliseconds since 1970: how instants are stored on both engines.
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The instant `ms` milliseconds after 1970.
    public init(millisecondsSince1970 ms: Int64) { self.init(timeIntervalSince1970: Double(ms) / 1000) }

    /// This instant without its sub-millisecond part, so a stored and reloaded date compares equal.
    public var truncatedToMilliseconds: Date { Date(millisecondsSince1970: millisecondsSince1970) }
}
