import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

/// Many customers at once (what a CSV import runs on), and the venue's records read a keyset page
/// at a time (what exports stream).
struct CustomerImportStoreTests {
    static let rows: [(line: Int, input: CustomerInput)] = [
        (2, CustomerInput(firstName: "Ann", lastName: "Lee", mobile: "07700 900201")),
        (3, CustomerInput(firstName: "", lastName: "Ray", mobile: "07700 900202")),
        (4, CustomerInput(firstName: "Cat", lastName: "Cole", mobile: "01632 960000")),
        (5, CustomerInput(firstName: "Dan", lastName: "Day", mobile: "+44 7700 900201")),
        (6, CustomerInput(firstName: "Eve", lastName: "Eng", mobile: "07700 900001")),
        (7, CustomerInput(firstName: "Fay", lastName: "Fox", mobile: "07700 900207", email: "fay@example.com")),
    ]

    static func count(_ store: Store, _ venue: Venue) async throws -> Int { try await store.records.customerCount(venueId: venue.id) }

    @Test(arguments: TestEngines.all)
    func aDryRunReportsEveryRowsProblemsAndWritesNothing(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let existing = try await store.makeCustomer(venue, first: "Old", last: "Timer", n: 1)
            let journal = try await store.journal.after(id: 0, limit: 1000).count
            let outcome = try await store.customerImport.run(venueId: venue.id, rows: Self.rows, skipInvalid: false, dryRun: true, actor: .cli)
            #expect(outcome.problems.map(\.line) == [3, 4, 5, 6])
            #expect(outcome.problems[0].fields == ["first_name": "is required"])
            #expect(outcome.problems[1].fields.keys.sorted() == ["mobile"])
            #expect(outcome.problems[2].fields == ["mobile": "repeats the mobile on line 2"])
            #expect(outcome.problems[3].fields == ["mobile": "already belongs to Old Timer (customer \(existing.id))"])
            #expect((outcome.valid, outcome.created) == (2, 0))
            #expect(try await Self.count(store, venue) == 1)
            #expect(try await store.journal.after(id: 0, limit: 1000).count == journal)
        }
    }

    @Test(arguments: TestEngines.all)
    func allOrNothingWritesNothingWhenARowIsBadAndSkippingWritesTheGoodOnes(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            _ = try await store.makeCustomer(venue, first: "Old", last: "Timer", n: 1)
            let strict = try await store.customerImport.run(venueId: venue.id, rows: Self.rows, skipInvalid: false, dryRun: false, actor: .cli)
            #expect((strict.valid, strict.created, strict.problems.count) == (2, 0, 4))
            #expect(try await Self.count(store, venue) == 1)

            let heard = Heard()
            let lenient = try await store.customerImport.run(
                venueId: venue.id, rows: Self.rows, skipInvalid: true, dryRun: false, actor: .cli) { written, total in heard.set(written == total ? written : -1) }
            #expect((lenient.valid, lenient.created, lenient.problems.count) == (2, 2, 4))
            #expect(heard.value == 2)
            #expect(try await Self.count(store, venue) == 3)
            let fay = try #require(try await store.customers.byMobile(venueId: venue.id, mobile: PhoneNumber(trusted: "+447700900207")))
            #expect(fay.email == "fay@example.com")
            // Each is journaled and given consent as if added one by one, with the import as its source.
            let entries = try await store.journal.forCustomer(venueId: venue.id, customerId: fay.id, cursor: nil, limit: 10).items
            #expect(Set(entries.map(\.kind)) == [JournalKind.customerCreated.rawValue, JournalKind.consentGranted.rawValue])
            #expect(entries.allSatisfy { $0.actor == "cli" })
            #expect(try await store.consents.get(venueId: venue.id, customerId: fay.id).history.map(\.source) == [.import])

            // Run again: now every good row is a duplicate of what the first run made.
            let again = try await store.customerImport.run(venueId: venue.id, rows: Self.rows, skipInvalid: true, dryRun: false, actor: .cli)
            #expect((again.valid, again.created) == (0, 0))
            #expect(try await Self.count(store, venue) == 3)
        }
    }

    @Test(arguments: TestEngines.all)
    func recordsAreReadAKeysetPageAtATimeWithinTheVenue(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let other = try await store.makeVenue("anchor")
            var made: [Int64] = []
            for n in 1...5 { made.append(try await store.makeCustomer(venue, n: n).id) }
            _ = try await store.makeCustomer(other, n: 9)
            var seen: [Int64] = []
            var after: Int64 = 0
            while true {
                let page = try await store.records.customers(venueId: venue.id, after: after, limit: 2)
                guard let last = page.last else { break }
                seen += page.map(\.id)
                after = last.id
            }
            #expect(seen == made)
            let event = try await store.makeEvent(venue, name: "Quiz")
            _ = try await store.bookings.create(venue: venue, customerId: made[0], eventId: event.id, seats: 2, notes: nil, source: .api, actor: .cli)
            let bookings = try await store.records.bookings(venueId: venue.id, eventId: event.id, after: 0, limit: 10)
            #expect(bookings.map(\.customerName) == ["Ann Lee"] && bookings.map(\.eventName) == ["Quiz"])
            #expect(try await store.records.bookings(venueId: other.id, eventId: nil, after: 0, limit: 10).isEmpty)
            let messages = try await store.records.messages(venueId: venue.id, after: 0, limit: 10)
            #expect(messages.map(\.kind) == [.confirmation, .reminder7d, .reminder24h])  // the event is 10 days away
            #expect(try await store.records.messages(venueId: other.id, ids: messages.map(\.id)).isEmpty)
            #expect(try await store.records.messages(venueId: venue.id, ids: messages.map(\.id)).map(\.id) == messages.map(\.id))
            #expect(try await store.records.consentChanges(venueId: venue.id, after: 0, limit: 10).map(\.customerId) == made)
            #expect(try await store.records.event(venueId: other.id, id: event.id) == nil)
        }
    }
}

/// The last number a progress callback heard.
final class Heard: @unchecked Sendable {
    private let lock = NSLock()
    private var last = 0
    func set(_ n: Int) { lock.withLock { last = n } }
    var value: Int { lock.withLock { last } }
}
