import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import Testing

/// `/metrics` tells an operator how many texts wait and how late the scheduler is, read from the
/// database at each scrape, and carries the process's own figures.
struct ScrapeGaugeTests {
    static func value(_ metrics: String, _ series: String) -> Double? {
        metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test(arguments: TestEngines.all)
    func queueDepthAndSchedulerLagAreReadAtEachScrape(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await APIHarness.run(engine, clock: clock) { api in
            let quiet = try #require(try await api.get("/metrics", key: .some(nil)).json.string)
            #expect(Self.value(quiet, #"crier_queue_messages{status="scheduled"}"#) == 0)
            #expect(Self.value(quiet, "crier_scheduler_lag_seconds") == 0)
            #expect((Self.value(quiet, "process_resident_memory_bytes") ?? 0) > 1_000_000)
            #expect((Self.value(quiet, "process_open_fds") ?? 0) > 0)
            // A booking queues its confirmation, due at once, and its two reminders, due later; no
            // scheduler runs here, so the confirmation waits and only it makes the lag.
            let customer = try await api.customer()
            let event = try await api.event()
            _ = try await api.booking(customer: customer, event: event, seats: 2)
            clock.advance(by: 90)
            let late = try #require(try await api.get("/metrics", key: .some(nil)).json.string)
            #expect(Self.value(late, #"crier_queue_messages{status="scheduled"}"#) == 3)
            #expect(Self.value(late, #"crier_queue_messages{status="sending"}"#) == 0)
            let lag = try #require(Self.value(late, "crier_scheduler_lag_seconds"))
            #expect(lag >= 90 && lag < 95)
        }
    }
}
