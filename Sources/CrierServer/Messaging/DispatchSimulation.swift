import CrierCore
import CrierStore
import Foundation

extension Dispatcher {
    /// Moves a test clock forward to `target` the way time would have passed: it stops at every
    /// moment something falls due on the way (a text's time, a retry, a quiet-hours deferral, a
    /// lease running out, a lost outcome's check) and runs a pass there, so each text goes at the
    /// moment it would have, as Stripe's test clocks do. Nil when `target` is in the clock's past.
    func advance(_ clock: ManualClock, to target: Date, maxSteps: Int = 100_000) async throws -> Report? {
        try await gate.serialized {
            guard target >= clock.now() else { return nil }
            var total = try await pass()
            var steps = 0
            while steps < maxSteps, let next = try await store.dispatch.nextMoment(), next <= target {
                clock.advance(to: next)
                total.add(try await pass())
                steps += 1
            }
            clock.advance(to: target)
            total.add(try await pass())
            return total
        }
    }
}

extension Dispatcher.Report {
    /// Adds another run's figures to these.
    mutating func add(_ other: Self) {
        claimed += other.claimed
        sent += other.sent
        withdrawn += other.withdrawn
        failed += other.failed
        retried += other.retried
        postponed += other.postponed
        unknown += other.unknown
        settled += other.settled
    }
}
