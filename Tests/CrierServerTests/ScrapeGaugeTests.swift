import Contacts
import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
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

    @Test(arguments: TestEngines.all)
    func eachProjectionsLagIsReadAtEachScrape(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let host = try testPluginHost([ContactsPlugin.self], clock: clock)
            try await host.migrate(store)
            let runner = host.projections(store: store)
            try await runner.catchUp()
            let app = Application(router: try CrierServer.router(store: store, registry: PrometheusCollectorRegistry(), plugins: host))
            try await app.test(.router) { client in
                func scrape() async throws -> String {
                    String(buffer: try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil).body)
                }
                let entries = #"crier_projection_lag_entries{plugin="contacts",projection="contacts"}"#
                let seconds = #"crier_projection_lag_seconds{plugin="contacts",projection="contacts"}"#
                #expect(Self.value(try await scrape(), entries) == 0)
                _ = try await store.makeCustomer(try await store.makeVenue())
                clock.advance(by: 20)
                let behind = try await scrape()
                #expect((Self.value(behind, entries) ?? 0) >= 1)
                #expect(Self.value(behind, seconds) == 20)
                try await runner.catchUp()
                let caughtUp = try await scrape()
                #expect(Self.value(caughtUp, entries) == 0 && Self.value(caughtUp, seconds) == 0)
            }
        }
    }
}

/// Every database call is timed and every failed one counted by reason, on both engines.
struct DatabaseMetricsTests {
    @Test(arguments: TestEngines.all)
    func callsAreTimedAndFailuresCountedByReason(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { plain in
            let registry = PrometheusCollectorRegistry()
            let store = plain.observed(by: DatabaseMetrics(registry: registry))
            let app = Application(router: try CrierServer.router(store: store, registry: registry))
            try await app.test(.router) { client in
                func scrape() async throws -> String {
                    String(buffer: try await client.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil).body)
                }
                let transactions = #"crier_database_call_duration_seconds_count{database="core",call="transaction"}"#
                let before = try #require(ScrapeGaugeTests.value(try await scrape(), transactions))
                _ = try await store.makeCustomer(try await store.makeVenue())
                let after = try await scrape()
                #expect(try #require(ScrapeGaugeTests.value(after, transactions)) >= before + 2)
                #expect((ScrapeGaugeTests.value(after, #"crier_database_call_duration_seconds_count{database="core",call="read"}"#) ?? 0) >= 1)
                // A real unique-index refusal inside one transaction (rolled back with its table).
                await #expect(throws: (any Error).self) {
                    try await store.engine.transaction { db in
                        try await db.raw("CREATE TABLE metric_probe (k INTEGER PRIMARY KEY)").run()
                        try await db.raw("INSERT INTO metric_probe (k) VALUES (1)").run()
                        try await db.raw("INSERT INTO metric_probe (k) VALUES (1)").run()
                    }
                }
                await #expect(throws: (any Error).self) {
                    try await store.engine.read { db in try await db.raw("SELECT * FROM no_such_table").run() }
                }
                let failed = try await scrape()
                #expect(ScrapeGaugeTests.value(failed, #"crier_database_errors_total{database="core",call="transaction",reason="conflict"}"#) == 1)
                #expect(ScrapeGaugeTests.value(failed, #"crier_database_errors_total{database="core",call="read",reason="other"}"#) == 1)
            }
        }
    }
}
