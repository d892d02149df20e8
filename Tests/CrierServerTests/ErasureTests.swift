import Contacts
import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Exports
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit
import Testing
import Timeline

/// Erasure removes a customer and scrubs them from every table of Crier's and the plugins' files
/// (searched afterwards, row by row, for their mobile, names, email and words), keeps the journal
/// decodable with its counts, journals only that it happened, and keeps an opt-out through it.
struct ErasureTests {
    /// What must be found nowhere afterwards.
    static let traces = ["900777", "Zelda", "Quixote", "zelda@example.test", "window seat", "running late", "prefers texts"]

    /// Every row of every table of `engine`, as text.
    static func everyRow(_ engine: any DatabaseEngine) async throws -> [(table: String, row: String)] {
        try await engine.read { db in
            var out: [(String, String)] = []
            if db.dialect.name == "postgresql" {
                let tables = try await db.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").all()
                    .map { try $0.decode(column: "table_name", as: String.self) }
                for table in tables {
                    for row in try await db.raw("SELECT t::text AS r FROM \(ident: table) t").all() { out.append((table, try row.decode(column: "r", as: String.self))) }
                }
            } else {
                let tables = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all().map { try $0.decode(column: "name", as: String.self) }
                for table in tables {
                    let columns = try await db.raw("SELECT name FROM pragma_table_info(\(bind: table))").all().map { try $0.decode(column: "name", as: String.self) }
                    let joined = columns.map { "COALESCE(CAST(\"\($0)\" AS TEXT), '')" }.joined(separator: " || '|' || ")
                    for row in try await db.raw("SELECT \(unsafeRaw: joined) AS r FROM \(ident: table)").all() {
                        out.append((table, try row.decode(column: "r", as: String.self)))
                    }
                }
            }
            return out
        }
    }

    @Test(arguments: TestEngines.all)
    func nothingNamesThemAfterwardsAndTheirOptOutStays(engine: EngineKind) async throws {
        try await WebHarness.run(engine, plugins: [ContactsPlugin.self, TimelinePlugin.self, ExportsPlugin.self]) { web in
            let store = web.store
            let zelda = try await store.customers.create(
                venue: web.venue, input: CustomerInput(firstName: "Zelda", lastName: "Quixote", mobile: "07700 900777",
                                                       email: "zelda@example.test", notes: "likes the window seat"), actor: .system)
            _ = try await store.customers.update(venue: web.venue, id: zelda.id, actor: .system) { input in
                var input = input
                input.firstName = "Zeldaa"
                return input
            }
            let event = try await store.makeEvent(web.venue)
            _ = try await store.bookings.create(venue: web.venue, customerId: zelda.id, eventId: event.id, seats: 2,
                                                notes: "Zelda's birthday, window seat", source: .staff, actor: .system)
            _ = try await Dispatcher(store: store, providers: [ConsoleProvider(write: { _ in })], publicURL: nil, logger: Logger(label: "t"))
                .runUntilIdle()
            for (n, body) in ["running late, Zelda here", "STOP"].enumerated() {
                let text = InboundText(provider: "twilio", providerMessageId: "SM-z\(n)", from: "+447700900777", to: "+441234567890", body: body,
                                       keywordHandled: nil)
                _ = try await store.inbound.receiveAll([InboundItem(text: text, part: nil, venue: web.venue, inlineReplies: false) { _, _ in nil }])
            }
            #expect(try await web.post("/plugins/timeline/customers/\(zelda.id)/notes", [("body", "Zelda prefers texts")]).status == .seeOther)
            let csv = "first_name,last_name,mobile\nZelda,Quixote,07700 900777\n"
            #expect(try await web.upload("/plugins/exports/imports", file: Array(csv.utf8), filename: "guests.csv").status == .seeOther)
            try await web.plugins.projections(store: store).catchUp()
            let before = try await Self.everyRow(store.engine) + (try await Self.everyRow(store.pluginEngine))
            #expect(before.contains { $0.row.contains("900777") } && before.contains { $0.table == "contacts" && $0.row.contains("Zelda") })
            let entries = try await store.journal.after(id: 0, limit: 10_000).filter { $0.venueId == web.venue.id }.count

            // Another venue's key: 404; a read-only key: 403; nothing erased.
            let other = try await store.makeVenue("anchor")
            let otherKey = try await store.apiKeys.create(venueId: other.id, name: "x", scope: .write, actor: .system).secret
            let readOnly = try await store.apiKeys.create(venueId: web.venue.id, name: "r", scope: .read, actor: .system).secret
            let key = try await store.apiKeys.create(venueId: web.venue.id, name: "w", scope: .write, actor: .system).secret
            func erase(_ key: String) async throws -> (HTTPResponse.Status, String) {
                let r = try await web.client.executeRequest(uri: "/api/v1/customers/\(zelda.id)/erase", method: .post,
                                                            headers: [.authorization: "Bearer \(key)"], body: nil)
                return (r.status, String(buffer: r.body))
            }
            #expect(try await erase(otherKey).0 == .notFound)
            #expect(try await erase(readOnly).0 == .forbidden)
            let (status, body) = try await erase(key)
            #expect(status == .ok, "\(body)")
            #expect(body.contains(#""opt_out_kept":true"#) && body.contains(#""bookings_deleted":1"#))
            #expect(try await erase(key).0 == .notFound)
            try await web.plugins.projections(store: store).catchUp()

            // Every table of both files, row by row: no trace of her.
            let after = try await Self.everyRow(store.engine) + (try await Self.everyRow(store.pluginEngine))
            for trace in Self.traces {
                let found = after.filter { $0.row.localizedCaseInsensitiveContains(trace) }
                #expect(found.isEmpty, "\(trace) is still in \(found.map(\.table))")
            }
            // The journal keeps its entries (one more: the erasure), and each still reads as its kind.
            let journal = try await store.journal.after(id: 0, limit: 10_000).filter { $0.venueId == web.venue.id }
            #expect(journal.count >= entries + 1 && journal.last?.kind == "customer.erased")
            #expect(journal.allSatisfy { $0.event.journalKind != nil }, "\(journal.filter { $0.event.journalKind == nil }.map(\.kind))")
            #expect(journal.contains { $0.kind == "booking.created" && $0.dataText.contains(#""seats":2"#) })

            // The number comes back (an integrator adds it again): opted out until they text START.
            let again = try await store.customers.create(
                venue: web.venue, input: CustomerInput(firstName: "New", lastName: "Person", mobile: "+447700900777"), actor: .system)
            let consent = try await store.consents.get(venueId: web.venue.id, customerId: again.id)
            #expect(consent.state.transactional == false && consent.history.last?.source == .erasedOptOut)
            let start = InboundText(provider: "twilio", providerMessageId: "SM-z9", from: "+447700900777", to: "+441234567890", body: "START",
                                    keywordHandled: nil)
            _ = try await store.inbound.receiveAll([InboundItem(text: start, part: nil, venue: web.venue, inlineReplies: false) { _, _ in nil }])
            #expect(try await store.consents.get(venueId: web.venue.id, customerId: again.id).state.transactional == true)
            let hashes = try await store.engine.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM erased_opt_outs").first()!.decode(column: "n", as: Int.self)
            }
            #expect(hashes == 0, "the fresh opt-in lifts the kept opt-out")
        }
    }

    /// The web form: owners and managers confirm on a page; staff can't; a deleted customer can still be erased (CLI path's store call).
    @Test(arguments: TestEngines.all)
    func theConfirmationPageIsForManagersAndDeletedCustomersCanBeErased(engine: EngineKind) async throws {
        try await WebHarness.run(engine) { web in
            let ann = try await web.store.makeCustomer(web.venue, first: "Annabel", last: "Lee", n: 5)
            let bar = try await web.colleague(.staff, email: "bar@crown.test")
            #expect(try await bar.get("/customers/\(ann.id)/erase").status == .forbidden)
            #expect(try await bar.post("/customers/\(ann.id)/erase").status == .forbidden)
            #expect(!(try await bar.get("/customers/\(ann.id)").html.contains("/erase")))
            // Another venue's customer: 404 on the page, the erasure and the export, and nothing happens to them.
            let anchor = try await web.store.makeVenue("anchor")
            let theirs = try await web.store.makeCustomer(anchor, first: "Theirs", last: "Anchor", n: 9)
            #expect(try await web.get("/customers/\(theirs.id)/erase").status == .notFound)
            #expect(try await web.post("/customers/\(theirs.id)/erase").status == .notFound)
            #expect(try await web.get("/customers/\(theirs.id)/export").status == .notFound)
            #expect(try await web.store.customers.get(venueId: anchor.id, id: theirs.id).firstName == "Theirs")
            let page = try await web.get("/customers/\(ann.id)/erase")
            #expect(page.status == .ok && page.html.contains("Erase Annabel Lee?"))
            #expect(try await web.post("/customers/\(ann.id)/erase").location == "/customers?done=erased")
            #expect(try await web.get("/customers/\(ann.id)").status == .notFound)

            let bob = try await web.store.makeCustomer(web.venue, first: "Bobbin", last: "Smythe", n: 6)
            try await web.store.customers.delete(venueId: web.venue.id, id: bob.id, actor: .system)
            let report = try await web.store.erasure.erase(venueId: web.venue.id, customerId: bob.id, actor: .cli)
            #expect(report.optOutKept == false)
            let rows = try await Self.everyRow(web.store.engine)
            #expect(!rows.contains { $0.row.contains("Bobbin") || $0.row.contains("Smythe") || $0.row.contains("900006") })
            await #expect(throws: CrierError.notFound("customer")) {
                try await web.store.erasure.erase(venueId: web.venue.id, customerId: 999_999, actor: .cli)
            }
        }
    }
}
