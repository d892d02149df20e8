import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Logging
import Testing

/// A venue keeping texts' words N days: older bodies become a marker, with status, kind and
/// segments kept; newer texts, texts still to go, and venues that keep everything are untouched.
struct MessageRetentionTests {
    @Test(arguments: TestEngines.all)
    func olderBodiesBecomeAMarkerAndTheRestStays(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await APIHarness.run(engine, clock: clock) { api in
            let store = api.store
            let dispatcher = try Dispatcher(store: store, providers: [ConsoleProvider(write: { _ in })], publicURL: nil, logger: Logger(label: "t"))
            func bookSomeone(_ venue: Venue, n: Int) async throws {
                let customer = try await store.makeCustomer(venue, n: n)
                let event = try await store.makeEvent(venue, days: 60)
                _ = try await store.bookings.create(venue: venue, customerId: customer.id, eventId: event.id, seats: 1, notes: nil,
                                                    source: .api, actor: .system)
            }
            try await bookSomeone(api.venue, n: 1)
            try await bookSomeone(api.otherVenue, n: 2)
            #expect(try await dispatcher.runUntilIdle().sent == 2)
            // Bad values are field errors; 30 days is kept.
            for bad in ["0", "3651", "\"a month\"", "2.5"] {
                #expect(try await api.patch("/api/v1/venue", #"{"message_retention_days":\#(bad)}"#).fieldErrors["message_retention_days"] != nil, "\(bad)")
            }
            #expect(try await api.patch("/api/v1/venue", #"{"message_retention_days":30}"#)["message_retention_days"] == .number(30))
            clock.advance(by: 29 * 86_400)
            #expect(try await store.retention.apply() == 0)
            try await bookSomeone(api.venue, n: 3)
            #expect(try await dispatcher.runUntilIdle().sent == 1)
            clock.advance(by: 2 * 86_400)
            #expect(try await store.retention.apply() == 1)
            let mine = try await store.messages.list(venueId: api.venue.id, filter: MessageFilter(), cursor: nil, limit: 100).items
            let old = mine.filter { $0.createdAt < testNow.addingTimeInterval(86_400) }
            #expect(old.filter { $0.status == .sent }.allSatisfy { $0.body == "[removed after 30 days]" && $0.kind == .confirmation && $0.segments == 1 })
            #expect(old.contains { $0.status == .scheduled }, "reminders still to go are kept whole")
            #expect(old.filter { $0.status == .scheduled }.allSatisfy { $0.body != "[removed after 30 days]" })
            #expect(mine.filter { $0.createdAt > testNow.addingTimeInterval(86_400) && $0.status == .sent }.allSatisfy { $0.body?.hasPrefix("[removed") == false })
            let theirs = try await store.messages.list(venueId: api.otherVenue.id, filter: MessageFilter(), cursor: nil, limit: 100).items
            #expect(theirs.filter { $0.status == .sent }.allSatisfy { $0.body?.hasPrefix("[removed") == false })
            #expect(try await store.retention.apply() == 0, "a second pass finds nothing more")
            // Back to keeping everything (null).
            #expect(try await api.patch("/api/v1/venue", #"{"message_retention_days":null}"#)["message_retention_days"] == .null)
        }
    }
}
