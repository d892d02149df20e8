import CrierCore
import CrierServer
import CrierStore
import CrierTestSupport
import FakeTwilio
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing
import Twilio

/// Bookings to texts through the real Twilio plugin over HTTP to the fake Twilio server.
struct TwilioEndToEndTests {
    /// A venue sending through the Twilio plugin to the fake Twilio, and its dispatcher.
    static func withTwilioVenue(
        _ engine: EngineKind, extra: [String: String] = [:], settings: Dispatcher.Settings = Dispatcher.Settings(),
        _ body: @escaping @Sendable (Store, Venue, FakeTwilio, ManualClock, Dispatcher) async throws -> Void
    ) async throws {
        let fake = FakeTwilio()
        let clock = ManualClock(testNow)
        try await fake.run { base in
            try await withTestStore(engine, clock: clock) { store in
                let venue = try await store.makeVenue()
                try await store.venues.setProvider(venueId: venue.id, id: "twilio", settings: [
                    "account_sid": fake.accountSid, "auth_token": fake.authToken, "from": "+447700900001", "api_base_url": base,
                ].merging(extra) { $1 }, actor: .system)
                var logger = Logger(label: "t")
                logger.logLevel = .critical
                let dispatcher = try Dispatcher(
                    store: store, providers: [TwilioProvider(timeout: .seconds(20))], settings: settings, publicURL: "https://crier.example",
                    logger: logger)
                try await body(store, venue, fake, clock, dispatcher)
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func remindersGoThroughTwilioAndAnOptOutStopsTheRest(engine: EngineKind) async throws {
        try await Self.withTwilioVenue(engine) { store, venue, fake, clock, dispatcher in
            let ann = try await store.makeCustomer(venue)
            let event = try await store.makeEvent(venue, days: 10)
            let booking = try await store.bookings.create(
                venue: venue, customerId: ann.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
            #expect(try await dispatcher.runUntilIdle().sent == 1)

            fake.script(.error(status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient"))
            clock.advance(to: event.startsAt.addingTimeInterval(-7 * 86_400))
            #expect(try await dispatcher.runUntilIdle().failed == 1)
            clock.advance(to: event.startsAt.addingTimeInterval(-86_400))
            try await dispatcher.runUntilIdle()

            #expect(fake.received.count == 2)
            let first = try #require(fake.received.first)
            #expect(first.form["To"] == "+447700900000")
            #expect(first.form["From"] == "+447700900001")
            #expect(first.form["StatusCallback"]?.hasPrefix("https://crier.example/webhooks/twilio/status?message_id=") == true)
            let messages = try await store.messages.list(
                venueId: venue.id, filter: MessageFilter(bookingId: booking.id), cursor: nil, limit: 10).items.reversed()
            #expect(messages.map { "\($0.kind.rawValue) \($0.status.rawValue) \($0.reason ?? "") \($0.errorCode ?? "")" } == [
                "confirmation sent  ", "reminder_7d failed opted_out 21610", "reminder_24h cancelled opted_out ",
            ])
            #expect(messages.first?.providerMessageId == "SM00000000000000000000000000000001")
            #expect(try await store.consents.get(venueId: venue.id, customerId: ann.id).state.transactional == false)
        }
    }

    /// The issue's scenario through the real plugin: a booking 10 days ahead gets exactly one
    /// confirmation, one 7-day and one 24-hour reminder as the clock advances; a cancelled one,
    /// nothing more than its cancellation.
    @Test(arguments: TestEngines.all)
    func exactlyOneOfEachThroughTwilioAndNoneAfterCancelling(engine: EngineKind) async throws {
        let fake = FakeTwilio()
        let clock = ManualClock(testNow)
        try await fake.run { base in
            try await withTestStore(engine, clock: clock) { store in
                let venue = try await store.makeVenue()
                _ = try await store.venues.update(id: venue.id, actor: .system) { v in
                    var v = v
                    v.quietHours = nil
                    return v
                }
                try await store.venues.setProvider(venueId: venue.id, id: "twilio", settings: [
                    "account_sid": fake.accountSid, "auth_token": fake.authToken, "from": "+447700900001", "api_base_url": base,
                ], actor: .system)
                let dispatcher = try Dispatcher(
                    store: store, providers: [TwilioProvider(timeout: .seconds(20))], publicURL: nil, logger: Logger(label: "t"))
                let event = try await store.makeEvent(venue, days: 10)
                let kept = try await store.makeCustomer(venue, n: 1)
                let dropped = try await store.makeCustomer(venue, n: 2)
                _ = try await store.bookings.create(venue: venue, customerId: kept.id, eventId: event.id, seats: 2, notes: nil, source: .api, actor: .system)
                let cancelled = try await store.bookings.create(
                    venue: venue, customerId: dropped.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
                try await dispatcher.runUntilIdle()
                _ = try await store.bookings.cancel(venueId: venue.id, id: cancelled.id, actor: .system)
                // Step through the whole run-up in 6-hour ticks, then past the start.
                var now = clock.now()
                while now < event.startsAt.addingTimeInterval(86_400) {
                    now = now.addingTimeInterval(6 * 3600)
                    clock.advance(to: now)
                    try await dispatcher.runUntilIdle()
                }
                let bodies = { (to: String) in fake.received.filter { $0.form["To"] == to }.compactMap { $0.form["Body"] } }
                let keptTexts = bodies(kept.mobile.e164)
                #expect(keptTexts.count == 3)
                #expect(keptTexts.filter { $0.contains("you're booked") }.count == 1)
                #expect(keptTexts.filter { $0.contains("one week to go") }.count == 1)
                #expect(keptTexts.filter { $0.contains("see you tomorrow") }.count == 1)
                let droppedTexts = bodies(dropped.mobile.e164)
                #expect(droppedTexts.count == 2)
                #expect(droppedTexts.last?.contains("has been cancelled") == true)
            }
        }
    }

    @Test(arguments: TestEngines.all)
    func providerSettingsKeepSecretsWriteOnly(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let venue = try await store.makeVenue()
            let key = try await store.apiKeys.create(venueId: venue.id, name: "t", scope: .write, actor: .system).secret
            let dispatcher = try Dispatcher(
                store: store, providers: [ConsoleProvider(write: { _ in }), TwilioProvider()], publicURL: nil, logger: Logger(label: "t"))
            let app = Application(router: try CrierServer.router(store: store, registry: PrometheusCollectorRegistry(), dispatcher: dispatcher))
            try await app.test(.router) { client in
                let api = APIClient(client: client, key: key)
                #expect(try await api.get("/api/v1/venue/provider").json == ["provider": "console", "settings": [:]])
                let sid = "AC" + String(repeating: "c", count: 32)
                let put = try await api.send(.put, "/api/v1/venue/provider",
                    #"{"provider":"twilio","settings":{"account_sid":"\#(sid)","auth_token":"supersecret99","from":"+447700900001"}}"#)
                #expect(put.status == .ok)
                #expect(put["settings"]?["auth_token"] == "…et99")
                #expect(put["settings"]?["account_sid"]?.string == sid)
                // Changing the sender without resending the token keeps it.
                let again = try await api.send(.put, "/api/v1/venue/provider",
                    #"{"provider":"twilio","settings":{"account_sid":"\#(sid)","from":"+447700900002"}}"#)
                #expect(again.status == .ok)
                #expect(try await store.venues.provider(venueId: venue.id).settings["auth_token"] == "supersecret99")
                let bad = try await api.send(.put, "/api/v1/venue/provider", #"{"provider":"twilio","settings":{"account_sid":"AC1","colour":"red"}}"#)
                #expect(bad.status == .unprocessableContent)
                #expect(Set(bad.fieldErrors.keys) == ["settings.account_sid", "settings.colour", "settings.from"])
                #expect(try await api.send(.put, "/api/v1/venue/provider", #"{"provider":"pigeon"}"#).fieldErrors["provider"] != nil)
                // The token never appears in the journal.
                let journal = try await store.journal.after(id: 0, limit: 100)
                #expect(!journal.contains { "\($0.data)".contains("supersecret99") })
            }
        }
    }

    /// Two texts whose send calls time out: Twilio's records show it took the first (settled
    /// `sent`, never resent) and never got the second (sent again, once, after the safe delay).
    /// The venue's own `public_url` is what the status callbacks go to.
    @Test(arguments: TestEngines.all)
    func lostOutcomesAreSettledFromTwiliosRecords(engine: EngineKind) async throws {
        let settings = {
            var settings = Dispatcher.Settings()
            // Long enough that the resend's real answer arrives in time when the whole suite is
            // loading the machine; the two lost calls take longer still.
            settings.sendTimeout = 1.5
            return settings
        }()
        try await Self.withTwilioVenue(engine, extra: ["public_url": "https://crown.example/"], settings: settings) {
            store, venue, fake, clock, dispatcher in
            let event = try await store.makeEvent(venue, days: 10)
            for n in 0..<2 {
                let c = try await store.makeCustomer(venue, n: n)
                _ = try await store.bookings.create(venue: venue, customerId: c.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
            }
            fake.script(.slow(.seconds(4)), .lost(.seconds(4)))
            #expect(try await dispatcher.runUntilIdle().unknown == 2)
            let confirmations = { try await store.messages.list(venueId: venue.id, filter: MessageFilter(kind: .confirmation), cursor: nil, limit: 10)
                .items.sorted { $0.id < $1.id } }
            #expect(try await confirmations().map(\.status) == [.unknown, .unknown])
            #expect(try await confirmations().allSatisfy { $0.handedOffAt != nil })
            // Which of the two Twilio took depends on which call got there first.
            let taken = try #require(fake.created.first?.to)
            clock.advance(by: settings.firstCheck)
            let first = try await dispatcher.runUntilIdle()
            #expect(first.settled == 1 && first.sent == 0)  // the other: not yet the safe delay
            #expect(try await confirmations().map { "\($0.to == taken) \($0.status)" }.sorted() == ["false unknown", "true sent"])
            clock.advance(by: settings.settleAfter)
            let second = try await dispatcher.runUntilIdle()
            #expect(second.settled == 1 && second.sent == 1)
            let settled = try await confirmations()
            #expect(settled.map(\.status) == [.sent, .sent])
            let found = try #require(settled.first { $0.to == taken })
            let resent = try #require(settled.first { $0.to != taken })
            #expect(found.providerMessageId == fake.created.first?.sid)
            #expect(try await store.messages.get(venueId: venue.id, id: found.id).attempts.map(\.outcome) == ["unknown", "settled_sent"])
            #expect(try await store.messages.get(venueId: venue.id, id: resent.id).attempts.map(\.outcome) == ["unknown", "settled_not_sent", "accepted"])
            // Three sends reached Twilio in all: the first once, the second twice (once lost).
            #expect(fake.received.count == 3 && fake.created.count == 2)
            #expect(fake.received.allSatisfy { $0.form["StatusCallback"]?.hasPrefix("https://crown.example/webhooks/twilio/status?message_id=") == true })
        }
    }
}
