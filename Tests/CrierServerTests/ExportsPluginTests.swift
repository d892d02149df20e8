import Contacts
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Exports

/// The exports plugin on both engines: CSV of every record through the pages and the API, with
/// awkward values surviving the round trip, and the customer import (map, check, all or nothing, skip).
struct ExportsPluginTests {
    static func csv(_ page: WebHarness.Page) throws -> [[String]] {
        try CSVReader.records(Array(page.html.utf8)).map(\.fields)
    }

    static func customerCount(_ store: Store, _ venue: Venue) async throws -> Int {
        try await store.records.customerCount(venueId: venue.id)
    }

    @Test(arguments: TestEngines.all)
    func everyExportStreamsItsRecordsAndAwkwardValuesRoundTrip(engine: EngineKind) async throws {
        try await WebHarness.run(engine, plugins: [ContactsPlugin.self, ExportsPlugin.self]) { web in
            let store = web.store
            let (ann, bob, _) = try await ContactsPluginTests.history(store, web.venue)
            let awkward = try await store.customers.create(
                venue: web.venue,
                input: CustomerInput(firstName: "=HYPERLINK(\"http://x\")", lastName: "O'Brien, \"Jr\"", mobile: "07700 900999",
                                     notes: "line one\nline two 🎉, @everyone\r\n-5"),
                actor: .system)
            try await web.plugins.projections(store: store).catchUp()

            let page = try await web.get("/plugins/exports")
            #expect(page.status == .ok && page.unlabelledInputs.isEmpty)
            #expect(page.count(#"<a href="/plugins/exports">Exports</a>"#) == 1 && page.count("/plugins/contacts/export") == 1)
            let staff = try await web.colleague(.staff, email: "sam@crown.test")
            #expect(try await staff.get("/plugins/exports").status == .forbidden)
            #expect(try await staff.get("/plugins/exports/download/customers").status == .forbidden)
            #expect(try await staff.get("/").count("/plugins/exports") == 0)

            // Customers: every one, the awkward one exactly as typed; formula-like cells marked in the file.
            let download = try await web.get("/plugins/exports/download/customers")
            #expect(download.status == .ok && download.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"customers-crown-2026-11-21.csv\"")
            let customers = try Self.csv(download)
            let count = try await Self.customerCount(store, web.venue)
            #expect(customers[0] == ExportKind.customers.header && customers.count == 1 + count)
            let row = try #require(customers.first { $0[0] == String(awkward.id) })
            #expect(row[1] == awkward.firstName && row[2] == awkward.lastName && row[3] == "+447700900999" && row[5] == awkward.notes)
            #expect(download.html.contains("'=HYPERLINK") && download.html.contains("'+447700900999") && !download.html.contains(",=HYPERLINK"))
            #expect(Array(try await web.get("/plugins/exports/download/customers?bom=1").html.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])

            // Bookings, all and one event's guest list; texts; consent history.
            let bookings = try Self.csv(try await web.get("/plugins/exports/download/bookings"))
            #expect(bookings.count == 1 + 4 && bookings[0] == ExportKind.bookings.header)
            let quiz = try #require(bookings.first { $0[2] == "Quiz" }?[1])
            let guests = try Self.csv(try await web.get("/plugins/exports/download/bookings?event_id=\(quiz)"))
            #expect(guests.dropFirst().map { $0[5] } == ["Ann Archer", "Bob Baker"] && guests.dropFirst().map { $0[7] } == ["2", "3"])
            let messages = try await store.messages.list(venueId: web.venue.id, filter: MessageFilter(), cursor: nil, limit: 200)
            let texts = try Self.csv(try await web.get("/plugins/exports/download/messages"))
            #expect(texts.count == 1 + messages.items.count && texts.contains { $0[1] == "in" && $0[8] == "See you there" })
            let consent = try Self.csv(try await web.get("/plugins/exports/download/consent"))
            #expect(consent.contains { $0[3] == "revoked" && $0[4] == "stop_reply" } && consent.count == 1 + 5)
            #expect(try await web.get("/plugins/exports/download/invoices").status == .notFound)
            #expect(try await web.get("/plugins/exports/download/customers?event_id=\(quiz)").status == .unprocessableContent)
            #expect(try await web.get("/plugins/exports/download/bookings?event_id=999999").status == .unprocessableContent)

            // The contacts plugin's export, linked from here, keeps the list's sort.
            let contacts = try Self.csv(try await web.get("/plugins/contacts/export?sort=name"))
            // By last name: Archer, Baker, Carter, O'Brien.
            #expect(contacts.dropFirst().map { $0[1] } == ["Ann", "Bob", "Cat", "=HYPERLINK(\"http://x\")"])
            #expect(contacts.first { $0[0] == String(bob.id) }?[7] == "1")

            // The API, for a read-only key: the same file.
            let key = try await store.apiKeys.create(venueId: web.venue.id, name: "t", scope: .read, actor: .system).secret
            let response = try await web.client.executeRequest(
                uri: "/api/v1/plugins/exports/customers", method: .get, headers: [.authorization: "Bearer \(key)"], body: nil)
            #expect(response.status == .ok && String(buffer: response.body) == download.html)
            let unknown = try await web.client.executeRequest(
                uri: "/api/v1/plugins/exports/invoices", method: .get, headers: [.authorization: "Bearer \(key)"], body: nil)
            #expect(unknown.status == .notFound)
            _ = ann
        }
    }

    static let file = """
        Given name,Surname,Phone,Notes\r
        Dan,Dawson,07700 900201,'=1+1\r
        Eve,Evans,12345,\r
        ,Nameless,07700 900203,\r
        Fay,Fox,07700 900201,repeat of line 2\r
        Gus,Grant,07700 900001,Ann's mobile\r
        Hal,Hill,+44 7700 900206,"quoted, with comma"\r

        """

    @Test(arguments: TestEngines.all)
    func theImportChecksEveryRowThenImportsAllOrNothingOrSkipping(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await WebHarness.run(engine, clock: clock, plugins: [ExportsPlugin.self], environment: ["CRIER_EXPORTS_MAX_IMPORT_BYTES": "2000"]) { web in
            let store = web.store
            _ = try await store.makeCustomer(web.venue, first: "Ann", last: "Archer", n: 1)
            let staff = try await web.colleague(.staff, email: "sam@crown.test")
            #expect(try await staff.upload("/plugins/exports/imports", file: Array(Self.file.utf8), filename: "guests.csv").status == .forbidden)
            let tooBig = try await web.upload("/plugins/exports/imports", file: Array(repeating: UInt8(ascii: "a"), count: 2001), filename: "big.csv")
            #expect(tooBig.status == .unprocessableContent && tooBig.count("The file is over the 2 KB limit for one import.") == 1)
            let notCSV = try await web.upload("/plugins/exports/imports", file: Array("a,b\n\"open".utf8), filename: "bad.csv")
            #expect(notCSV.status == .unprocessableContent && notCSV.count("cannot be read as CSV") == 1)

            let uploaded = try await web.upload("/plugins/exports/imports", file: Array(Self.file.utf8), filename: "guests.csv")
            #expect(uploaded.status == .seeOther)
            let path = try #require(uploaded.location)
            let mapping = try await web.get(path)
            #expect(mapping.status == .ok && mapping.unlabelledInputs.isEmpty && mapping.count("guests.csv: 6 rows") == 1)
            #expect(mapping.count(#"<option value="Given name" selected>"#) == 1 && mapping.count(#"<option value="Phone" selected>"#) == 1)
            #expect(try await web.get("/plugins/exports").count("guests.csv") == 1)

            let choices = [("first_name", "Given name"), ("last_name", "Surname"), ("mobile", "Phone"), ("notes", "Notes")]
            let unmapped = try await web.post(path, [("first_name", ""), ("mobile", "Phone"), ("action", "check")])
            #expect(unmapped.status == .unprocessableContent && unmapped.count("first_name: needs a column") == 1)

            // A dry run reports every row's problems and writes nothing.
            let check = try await web.post(path, choices + [("action", "check"), ("mode", "all")])
            #expect(check.status == .ok && check.count("2 rows are good and 4 have problems; nothing was written.") == 1)
            let reported = WebHarness.Page(status: check.status, headers: check.headers, html: check.html.components(separatedBy: "First rows")[0])
            #expect(reported.matches(#"<tr><td>(\d+)</td><td>"#) == ["3", "4", "5", "6"])
            #expect(check.count("repeats the mobile on line 2") == 1 && check.count("already belongs to Ann Archer") == 1)
            #expect(try await Self.customerCount(store, web.venue) == 1)

            // All or nothing: nothing. Skipping: the good rows, and the file is done with.
            let refused = try await web.post(path, choices + [("action", "import"), ("mode", "all")])
            #expect(refused.status == .unprocessableContent && refused.count("Nothing was imported: 4 rows have problems.") == 1)
            #expect(try await Self.customerCount(store, web.venue) == 1)
            let done = try await web.post(path, choices + [("action", "import"), ("mode", "skip")])
            #expect(done.status == .ok && done.count("Imported 2 customers; skipped 4 rows with problems.") == 1)
            let all = try await store.records.customers(venueId: web.venue.id, after: 0, limit: 10)
            #expect(all.map(\.firstName) == ["Ann", "Dan", "Hal"] && all[1].notes == "=1+1" && all[2].notes == "quoted, with comma")
            #expect(try await web.get(path).status == .notFound)

            // Uploads left behind are purged after a day.
            let left = try await web.upload("/plugins/exports/imports", file: Array(Self.file.utf8), filename: "left.csv")
            let leftPath = try #require(left.location)
            clock.advance(by: 25 * 3600)
            var again = try await WebHarness.signedIn(client: web.client, store: store, venue: web.venue, user: web.owner)
            again.plugins = web.plugins
            let uploads = ImportUploads(maxBytes: 2000, keepFor: .seconds(24 * 3600))
            #expect(try await uploads.purge(web.plugins.services(for: "exports", store: store)) == 1)
            #expect(try await again.get(leftPath).status == .notFound)

            // The API: a dry run's report, all or nothing refused in the error shape, then skipping.
            let key = try await store.apiKeys.create(venueId: web.venue.id, name: "t", scope: .write, actor: .system).secret
            func post(_ query: String, _ body: String) async throws -> (Int, JSONValue?) {
                let response = try await web.client.executeRequest(
                    uri: "/api/v1/plugins/exports/imports/customers" + query, method: .post,
                    headers: [.authorization: "Bearer \(key)", .contentType: "text/csv"], body: ByteBuffer(string: body))
                return (Int(response.status.code), try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body)))
            }
            let file = "first,last,mobile\nIvy,Irwin,07700 900301\nJo,Jones,nope\n"
            let (dry, report) = try await post("?dry_run=1", file)
            #expect(dry == 200 && report?["valid"]?.int == 1 && report?["problems"]?.array.map { $0["line"]?.int } == [3])
            let (whole, refusal) = try await post("", file)
            #expect(whole == 422 && refusal?["error"]?["code"]?.string == "import_refused" && refusal?["created"]?.int == 0)
            let (skipped, created) = try await post("?skip_invalid=1", file)
            #expect(skipped == 201 && created?["created"]?.int == 1)
            #expect(try await post("?map.mobile=Fax", file).0 == 422)
            #expect(try await post("", String(repeating: "x", count: 2001)).0 == 413)
        }
    }
}
