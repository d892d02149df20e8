import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The plugin host: choosing plugins, their migrations, routes, navigation and panels, and
/// projections that are exact (no entry missed or counted twice) with several instances.
struct PluginHostTests {
    @Test
    func anUnknownPluginNameStopsStartUpNamingTheKnownOnes() throws {
        let known = ["twilio", "contacts", "timeline"]
        let error = #expect(throws: PluginSelectionError.self) { try PluginSelection("contacts, bogus", known: known) }
        #expect(error?.description == "CRIER_PLUGINS names a plugin this server does not have: 'bogus'. Built in: twilio, contacts, timeline (or 'none').")
        #expect(try PluginSelection(nil, known: known).ids == known)
        #expect(try PluginSelection("", known: known).ids == [])
        #expect(try PluginSelection("none", known: known).ids == [])
        #expect(try PluginSelection(" Timeline,twilio ", known: known).ids == ["twilio", "timeline"])
    }

    @Test
    func aPluginRefusingItsSettingsStopsStartUp() throws {
        let error = #expect(throws: PluginLoadError.self) {
            try PluginHost.load(
                catalogue: [ProbePlugin.self], selection: PluginSelection(nil, known: ["probe"]), environment: ["CRIER_PROBE_REFUSE": "1"],
                logger: Logger(label: "t"), clock: ManualClock(testNow), http: .shared)
        }
        #expect(error?.description == "plugin 'probe' could not start: refuse was set")
    }

    @Test(arguments: TestEngines.all)
    func migrationsRunOnThePluginsOwnTrackOnce(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let host = try testPluginHost([ProbePlugin.self], clock: store.clock)
            #expect(try await host.migrate(store) == 1)
            #expect(try await host.migrate(store) == 0)
            // A plugin's track and tables are where the plugins' tables live (on SQLite a file of their own).
            let plugins = Migrator(engine: store.pluginEngine, logger: store.logger)
            #expect(try await plugins.appliedVersions(track: "plugin:probe") == [1])
            let core = Migrator(engine: store.engine, logger: store.logger)
            #expect(try await core.appliedVersions(track: "core").count == CoreMigrations.all.count)
            try await store.pluginEngine.read { db in try await db.raw("SELECT COUNT(*) AS n FROM probe_notes").run() }
        }
    }

    @Test(arguments: TestEngines.all)
    func aDisabledPluginsRoutesNavigationAndPanelsAreGone(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let customer = try await web.store.makeCustomer(web.venue, n: 1)
            #expect(try await web.get("/plugins/probe").status == .notFound)
            #expect(try await web.get("/").count("/plugins/probe") == 0)
            #expect(try await web.get("/customers/\(customer.id)").count("Probe panel") == 0)
            let key = try await web.store.apiKeys.create(venueId: web.venue.id, name: "t", scope: .write, actor: .system).secret
            let api = try await web.client.executeRequest(
                uri: "/api/v1/plugins/probe/counts/x", method: .get, headers: [.authorization: "Bearer \(key)"], body: nil)
            #expect(api.status == .notFound)
        }
        try await WebHarness.run(engine, plugins: [ProbePlugin.self]) { web in
            let customer = try await web.store.makeCustomer(web.venue, n: 1)
            let page = try await web.get("/plugins/probe")
            #expect(page.status == .ok)
            #expect(page.count("<h1>") == 1 && page.count("<title>Probe · Crown</title>") == 1)
            #expect(try await web.get("/").count(#"<a href="/plugins/probe">Probe</a>"#) == 1)
            let detail = try await web.get("/customers/\(customer.id)")
            #expect(detail.count("<h2>Probe panel</h2>") == 1)
            #expect(detail.count("probe panel for customer \(customer.id) in venue \(web.venue.id)") == 1)
            // Plugin forms get the same CSRF check as the core's.
            #expect(try await web.post("/plugins/probe/notes", [("text", "hi")], csrf: .some(nil)).status == .forbidden)
            #expect(try await web.post("/plugins/probe/notes", [("text", "hi")], csrf: "wrong").status == .forbidden)
            let saved = try await web.post("/plugins/probe/notes", [("text", "hi")])
            #expect(saved.status == .seeOther && saved.location == "/plugins/probe")
            // Managers-only pages refuse staff.
            let staff = try await web.colleague(.staff, email: "staff@crown.test")
            #expect(try await staff.get("/plugins/probe/managers").status == .forbidden)
            #expect(try await web.get("/plugins/probe/managers").status == .ok)
            // Signed out: sent to log in, as for the core's pages.
            var anonymous = web
            anonymous.session = nil
            #expect(try await anonymous.get("/plugins/probe").status == .seeOther)
            // JSON routes: the API key's venue, its errors in the API's shape, read-only keys refused writes.
            let key = try await web.store.apiKeys.create(venueId: web.venue.id, name: "t", scope: .write, actor: .system).secret
            let reader = try await web.store.apiKeys.create(venueId: web.venue.id, name: "r", scope: .read, actor: .system).secret
            let api = try await web.client.executeRequest(
                uri: "/api/v1/plugins/probe/counts/x", method: .get, headers: [.authorization: "Bearer \(key)"], body: nil)
            #expect(api.status == .ok)
            #expect(String(buffer: api.body) == #"{"kind":"x","n":0,"venue_id":\#(web.venue.id)}"#)
            let bad = try await web.client.executeRequest(
                uri: "/api/v1/plugins/probe/notes", method: .post, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                body: .init(string: "{}"))
            #expect(bad.status == .unprocessableContent)
            #expect(String(buffer: bad.body).contains(#""fields":{"text":"is required"}"#))
            let readOnly = try await web.client.executeRequest(
                uri: "/api/v1/plugins/probe/notes", method: .post, headers: [.authorization: "Bearer \(reader)", .contentType: "application/json"],
                body: .init(string: #"{"text":"x"}"#))
            #expect(readOnly.status == .forbidden)
            let noKey = try await web.client.executeRequest(uri: "/api/v1/plugins/probe/counts/x", method: .get, headers: [:], body: nil)
            #expect(noKey.status == .unauthorized)
        }
    }

    @Test(arguments: TestEngines.all)
    func theAdminPageListsPluginsWithVersionStateAndLag(engine: EngineKind) async throws {
        try await WebHarness.run(engine, plugins: [ProbePlugin.self]) { web in
            _ = try await web.store.makeCustomer(web.venue, n: 1)
            // Made first: creating a key is journaled too.
            let key = try await web.store.apiKeys.create(venueId: web.venue.id, name: "t", scope: .read, actor: .system).secret
            let before = try await web.get("/admin/plugins")
            #expect(before.status == .ok)
            #expect(before.count("<td>probe</td><td>0.3.0</td><td>enabled</td>") == 1)
            let head = try await web.store.checkpoints.journalHead()
            #expect(before.count("counts: entry 0, lag \(head) entries, ") == 1 && before.count(" s (starting)") == 1)
            try await web.plugins.projections(store: web.store).catchUp()
            let after = try await web.get("/admin/plugins")
            #expect(after.count("counts: entry \(head), lag 0 entries, 0.0 s (up to date)") == 1)
            let json = try await web.client.executeRequest(uri: "/api/v1/admin/plugins", method: .get, headers: [.authorization: "Bearer \(key)"], body: nil)
            let value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: json.body))
            let probe = value["items"]?.array.first
            #expect(probe?["id"]?.string == "probe" && probe?["version"]?.string == "0.3.0" && probe?["state"]?.string == "enabled")
            #expect(probe?["projections"]?.array.first?["lag"]?.int == 0)
            #expect(probe?["projections"]?.array.first?["lag_seconds"]?.int == 0)
            #expect(try await web.colleague(.staff, email: "s@crown.test").get("/admin/plugins").status == .forbidden)
        }
    }

    @Test(arguments: TestEngines.all)
    func aProjectionCatchesUpInBatchesAndRebuildsToTheSameState(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            for n in 1...7 { _ = try await store.makeCustomer(venue, n: n) }
            let host = try testPluginHost([ProbePlugin.self], clock: store.clock)
            try await host.migrate(store)
            let runner = host.projections(store: store, batchSize: 3)
            let journal = try await store.checkpoints.journalHead()
            #expect(try await runner.catchUp() == Int(journal))
            #expect(try await runner.catchUp() == 0)
            let services = host.services(for: "probe", store: store)
            #expect(try await ProbeProjection.total(services.database) == Int(journal))
            let seen = Progress()
            #expect(try await runner.rebuild(plugin: "probe") { done, total in seen.add(done, total) } == Int(journal))
            #expect(try await ProbeProjection.total(services.database) == Int(journal))
            #expect(seen.last?.0 == Int(journal) && seen.last?.1 == Int(journal))
            #expect(try await store.checkpoints.position(plugin: "probe", projection: "counts") == journal)
        }
    }

    @Test(arguments: TestEngines.all)
    func aFailingProjectionIsRolledBackAloneAndRetried(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            _ = try await store.makeCustomer(venue, n: 1)
            _ = try await store.customers.create(
                venue: venue, input: CustomerInput(firstName: "Boom", lastName: "Lee", mobile: "+447700900999"), actor: .system)
            FussyPlugin.refusing.store(true, ordering: .relaxed)
            let host = try testPluginHost([ProbePlugin.self, FussyPlugin.self], clock: store.clock)
            try await host.migrate(store)
            let runner = host.projections(store: store, batchSize: 500)
            let journal = try await store.checkpoints.journalHead()
            // The probe reads every entry; the fussy one's batch (and the row it wrote) is rolled back.
            #expect(try await runner.catchUp() == Int(journal))
            #expect(try await store.checkpoints.position(plugin: "probe", projection: "counts") == journal)
            #expect(try await store.checkpoints.position(plugin: "fussy", projection: "seen") == 0)
            #expect(try await FussyProjection.seen(host.services(for: "fussy", store: store).database) == 0)
            guard case .failing(let message) = await host.status.state("fussy", "seen") else {
                Issue.record("the fussy projection is not shown as failing")
                return
            }
            #expect(message.contains("Boom refused"))
            // Once it stops refusing, the next pass applies it from where it stood.
            FussyPlugin.refusing.store(false, ordering: .relaxed)
            #expect(try await runner.catchUp() == Int(journal))
            #expect(try await FussyProjection.seen(host.services(for: "fussy", store: store).database) == Int(journal))
            #expect(await host.status.state("fussy", "seen") == .live)
        }
    }

    @Test(arguments: TestEngines.all)
    func twoInstancesConsumingTogetherCountEveryEntryOnce(engine: EngineKind) async throws {
        try await withTestDatabase(engine) { url, store in
            let venue = try await store.makeVenue()
            let other = try await Store.open(url, clock: store.clock, logger: store.logger, keyring: store.keyring)
            try await other.withRunning { other in
                let first = try testPluginHost([ProbePlugin.self], clock: store.clock)
                let second = try testPluginHost([ProbePlugin.self], clock: store.clock)
                try await first.migrate(store)
                try await second.migrate(other)
                let a = first.projections(store: store, batchSize: 5)
                let b = second.projections(store: other, batchSize: 5)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for n in 1...40 { _ = try await store.makeCustomer(venue, n: n) }
                    }
                    group.addTask { for _ in 0..<60 { try await a.catchUp() } }
                    group.addTask { for _ in 0..<60 { try await b.catchUp() } }
                    try await group.waitForAll()
                }
                try await a.catchUp()
                try await b.catchUp()
                let journal = try await store.engine.read { db in
                    try await db.raw("SELECT COUNT(*) AS n FROM journal").first()?.decode(column: "n", as: Int.self) ?? -1
                }
                #expect(journal > 80)
                #expect(try await ProbeProjection.total(first.services(for: "probe", store: store).database) == journal)
            }
        }
    }
}

/// A plugin whose job counts its runs and fails on the second, to show a failure does not stop it.
struct TickerPlugin: CrierPlugin {
    static let id = "ticker"
    static let runs = Mutex(0)
    init(context: PluginContext) throws {}
    func register(with registrar: any PluginRegistrar) {
        registrar.addJob(PeriodicJob(name: "tick", interval: .milliseconds(5)) { services in
            let n = Self.runs.withLock { runs in
                runs += 1
                return runs
            }
            #expect(services.pluginID == "ticker")
            if n == 2 { throw CrierError.notFound("second run") }
        })
    }
}

extension PluginHostTests {
    @Test
    func jobsRunOnTheirIntervalAndAFailureDoesNotStopThem() async throws {
        try await withTestStore(.sqlite) { store in
            let host = try testPluginHost([TickerPlugin.self], clock: store.clock)
            let jobs = PluginJobs(host: host, store: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await jobs.run() }
                // Waits on the job's own timer (a job runner, not the scheduler): a few runs take milliseconds.
                for _ in 0..<400 where TickerPlugin.runs.withLock({ $0 }) < 4 { try await Task.sleep(for: .milliseconds(5)) }
                group.cancelAll()
            }
            #expect(TickerPlugin.runs.withLock { $0 } >= 4)
        }
    }
}

/// The last (done, total) a progress callback heard.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Int, Int)?
    func add(_ done: Int, _ total: Int) { lock.withLock { value = (done, total) } }
    var last: (Int, Int)? { lock.withLock { value } }
}
