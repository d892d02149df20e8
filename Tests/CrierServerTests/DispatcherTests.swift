import CrierCore
import CrierPluginKit
@testable import CrierServer
import CrierStore
import CrierTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The dispatcher against a scripted provider, on both engines, with the clock moved by hand.
struct DispatcherTests {
    struct Setup: Sendable {
        let store: Store
        let clock: ManualClock
        let venue: Venue
        let provider: ScriptedProvider
        let dispatcher: Dispatcher

        func messages(_ filter: MessageFilter = MessageFilter()) async throws -> [Message] {
            try await store.messages.list(venueId: venue.id, filter: filter, cursor: nil, limit: 500).items.reversed()
        }
        func book(days: Double = 10, seats: Int = 2, n: Int = 0, name: String = "Quiz night") async throws -> (Customer, Event, Booking) {
            let customer = try await store.makeCustomer(venue, n: n)
            let event = try await store.makeEvent(venue, name: name, days: days)
            let booking = try await store.bookings.create(
                venue: venue, customerId: customer.id, eventId: event.id, seats: seats, notes: nil, source: .api, actor: .system)
            return (customer, event, booking)
        }
        @discardableResult
        func run() async throws -> Dispatcher.Report { try await dispatcher.runUntilIdle() }
    }

    static func run(_ engine: EngineKind, script: [SendOutcome] = [], settings: Dispatcher.Settings = Dispatcher.Settings(),
                    quiet: QuietHours? = nil, timing: SenderRateLimit.Timing = .real, _ body: @Sendable (Setup) async throws -> Void) async throws {
        // 10:00 local on a Saturday: outside the default quiet hours.
        let clock = ManualClock(EventTime.rfc3339("2026-11-21T10:00:00Z")!)
        try await withTestStore(engine, clock: clock) { store in
            var venue = try await store.makeVenue()
            venue = try await store.venues.update(id: venue.id, actor: .system) { s in
                var s = s
                s.quietHours = quiet
                return s
            }
            let provider = ScriptedProvider(script)
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let dispatcher = try Dispatcher(
                store: store, providers: [provider], settings: settings, publicURL: "https://crier.example", logger: logger, timing: timing)
            try await body(Setup(store: store, clock: clock, venue: venue, provider: provider, dispatcher: dispatcher))
        }
    }

    @Test(arguments: TestEngines.all)
    func aBookingTenDaysAheadGetsOneOfEachAsTimePasses(engine: EngineKind) async throws {
        try await Self.run(engine) { s in
            let (_, event, _) = try await s.book(days: 10)
            #expect(try await s.run().sent == 1)
            #expect(try await s.run().claimed == 0)  // nothing more due now
            s.clock.advance(to: event.startsAt.addingTimeInterval(-7 * 86_400))
            #expect(try await s.run().sent == 1)
            s.clock.advance(to: event.startsAt.addingTimeInterval(-86_400 + 60))
            #expect(try await s.run().sent == 1)
            s.clock.advance(to: event.startsAt.addingTimeInterval(86_400))
            #expect(try await s.run().claimed == 0)
            let sent = s.provider.sent
            #expect(sent.count == 3)
            #expect(sent[0].body.hasPrefix("Hi Ann, you're booked for Quiz night on Tue 1 Dec, 10am: 2 seats."))
            #expect(sent[1].body.hasPrefix("Hi Ann, one week to go"))
            #expect(sent[2].body.hasPrefix("Hi Ann, see you tomorrow!"))
            #expect(sent.allSatisfy { $0.statusCallbackURL == "https://crier.example/webhooks/console/status?message_id=\($0.messageId)" })
            let messages = try await s.messages()
            #expect(messages.map(\.status) == [.sent, .sent, .sent])
            #expect(messages.allSatisfy { $0.providerMessageId != nil && $0.segments == 1 && $0.encoding == .gsm7 && $0.body != nil })
        }
    }

    @Test(arguments: TestEngines.all)
    func cancellingStopsEverythingStillPending(engine: EngineKind) async throws {
        try await Self.run(engine) { s in
            let (_, event, booking) = try await s.book(days: 10)
            try await s.run()
            _ = try await s.store.bookings.cancel(venueId: s.venue.id, id: booking.id, actor: .system)
            s.clock.advance(to: event.startsAt.addingTimeInterval(-3600))
            try await s.run()
            #expect(s.provider.sent.map { $0.body.contains("cancelled") } == [false, true])
        }
    }

    @Test(arguments: TestEngines.all)
    func reminderOnlyBookingsGetTheirOwnWording(engine: EngineKind) async throws {
        try await Self.run(engine) { s in
            let (_, event, _) = try await s.book(days: 3, seats: 0)
            try await s.run()
            s.clock.advance(to: event.startsAt.addingTimeInterval(-86_400))
            try await s.run()
            #expect(s.provider.sent.map(\.body) == [
                "Hi Ann, we'll remind you about Quiz night on Tue 24 Nov, 10am at Crown. Reply STOP to opt out.",
                "Hi Ann, Quiz night is tomorrow: Tue 24 Nov, 10am at Crown.",
            ])
        }
    }

    @Test(arguments: TestEngines.all)
    func reChecksBeforeSending(engine: EngineKind) async throws {
        try await Self.run(engine) { s in
            // No consent: suppressed, visible with its reason.
            let (ann, _, _) = try await s.book(n: 1, name: "A")
            _ = try await s.store.consents.set(venueId: s.venue.id, customerId: ann.id, changes: [.transactional: false], source: .staff, note: nil, actor: .system)
            // Event cancelled after the confirmation was queued but before it went.
            let (_, gig, _) = try await s.book(n: 2, name: "B")
            _ = try await s.store.events.cancel(venueId: s.venue.id, id: gig.id, actor: .system)
            try await s.run()
            #expect(s.provider.sent.isEmpty)
            let reasons = try await s.messages(MessageFilter(kind: .confirmation)).map { "\($0.status.rawValue) \($0.reason ?? "")" }
            #expect(reasons == ["suppressed no_consent", "cancelled event_cancelled"])

            // The kill switch holds everything back.
            _ = try await s.book(n: 3, name: "C")
            _ = try await s.store.venues.update(id: s.venue.id, actor: .system) { v in
                var v = v
                v.smsEnabled = false
                return v
            }
            try await s.run()
            #expect(try await s.messages(MessageFilter(kind: .confirmation)).last?.reason == "kill_switch")
            #expect(s.provider.sent.isEmpty)
        }
    }

    @Test(arguments: TestEngines.all)
    func aReminderFoundLateAfterDowntimeIsSkippedNotSent(engine: EngineKind) async throws {
        try await Self.run(engine) { s in
            let (_, event, _) = try await s.book(days: 10)
            try await s.run()
            // The server was down from before the 7-day reminder until 13 h after it was due.
            s.clock.advance(to: event.startsAt.addingTimeInterval(-7 * 86_400 + 13 * 3600))
            try await s.run()
            // And again past the 24-hour reminder's limit (2 h before the start).
            s.clock.advance(to: event.startsAt.addingTimeInterval(-3600))
            try await s.run()
            #expect(s.provider.sent.count == 1)
            #expect(try await s.messages().map { "\($0.kind.rawValue) \($0.status.rawValue) \($0.reason ?? "")" } == [
                "confirmation sent ", "reminder_7d skipped stale", "reminder_24h skipped stale",
            ])
        }
    }

    @Test(arguments: TestEngines.all)
    func quietHoursDeferAReminderThatFallsDueInThem(engine: EngineKind) async throws {
        try await Self.run(engine) { s in
            let (_, event, _) = try await s.book(days: 10)
            try await s.run()
            // The venue sets quiet hours 09:00-11:00 after the reminder was scheduled for 10:00.
            _ = try await s.store.venues.update(id: s.venue.id, actor: .system) { v in
                var v = v
                v.quietHours = QuietHours(start: LocalTime("09:00")!, end: LocalTime("11:00")!)
                return v
            }
            let due = event.startsAt.addingTimeInterval(-7 * 86_400)
            s.clock.advance(to: due)
            #expect(try await s.run().postponed == 1)
            let postponed = try await s.messages(MessageFilter(kind: .reminder7d))[0]
            #expect(postponed.status == .scheduled)
            #expect(postponed.scheduledFor == due.addingTimeInterval(3600))
            #expect(postponed.attempts == 0)
            s.clock.advance(to: due.addingTimeInterval(3600))
            #expect(try await s.run().sent == 1)
            #expect(s.provider.sent.count == 2)
        }
    }

    @Test(arguments: TestEngines.all)
    func quietHoursThatOutlastTheStalenessLimitSkipTheReminder(engine: EngineKind) async throws {
        try await Self.run(engine, quiet: .default) { s in
            let (_, event, _) = try await s.book(days: 10)
            try await s.run()
            // Picked up at 21:30 local, 11.5 h late: quiet until 09:00, past its 12 h limit.
            s.clock.advance(to: event.startsAt.addingTimeInterval(-7 * 86_400 + 11.5 * 3600))
            #expect(try await s.run().withdrawn == 1)
            #expect(try await s.messages(MessageFilter(kind: .reminder7d))[0].reason == "stale")
        }
    }

    @Test(arguments: TestEngines.all)
    func retriesBackOffAndStopAtTheMaximum(engine: EngineKind) async throws {
        var settings = Dispatcher.Settings()
        settings.maxAttempts = 3
        let busy = SendOutcome.retryable(code: "20429", detail: "Too Many Requests")
        try await Self.run(engine, script: [busy, busy, busy], settings: settings) { s in
            _ = try await s.book()
            #expect(try await s.run().retried == 1)
            var m = try await s.messages()[0]
            #expect(m.status == .scheduled && m.attempts == 1 && m.scheduledFor == s.clock.now().addingTimeInterval(60))
            s.clock.advance(by: 60)
            #expect(try await s.run().retried == 1)
            m = try await s.messages()[0]
            #expect(m.scheduledFor == s.clock.now().addingTimeInterval(120))
            s.clock.advance(by: 120)
            #expect(try await s.run().failed == 1)
            m = try await s.messages()[0]
            #expect(m.status == .failed && m.reason == "max_attempts" && m.errorCode == "20429")
            s.clock.advance(by: 86_400)
            try await s.run()
            #expect(s.provider.sent.count == 3)
            let log = try await s.store.messages.get(venueId: s.venue.id, id: m.id).attempts
            #expect(log.map(\.outcome) == ["retryable", "retryable", "retryable"])
            #expect(log.map(\.attempt) == [1, 2, 3])
        }
    }

    @Test(arguments: TestEngines.all)
    func anOptedOutRecipientLosesConsentAndGetsNothingMore(engine: EngineKind) async throws {
        try await Self.run(engine, script: [.optedOut(code: "21610", detail: "Attempt to send to unsubscribed recipient")]) { s in
            let (ann, event, _) = try await s.book(days: 10)
            try await s.run()
            let consent = try await s.store.consents.get(venueId: s.venue.id, customerId: ann.id)
            #expect(consent.state.transactional == false)
            #expect(consent.history.last?.source == .providerError)
            s.clock.advance(to: event.startsAt.addingTimeInterval(-86_400))
            try await s.run()
            #expect(s.provider.sent.count == 1)
            #expect(try await s.messages().map { "\($0.status.rawValue) \($0.reason ?? "")" } ==
                    ["failed opted_out", "cancelled opted_out", "cancelled opted_out"])
        }
    }

    @Test(arguments: TestEngines.all)
    func anUnknownOutcomeIsNeverResent(engine: EngineKind) async throws {
        try await Self.run(engine, script: [.unknown(detail: "connection reset after request was sent")]) { s in
            _ = try await s.book()
            #expect(try await s.run().unknown == 1)
            s.clock.advance(by: 86_400)
            try await s.run()
            #expect(s.provider.sent.count == 1)
            #expect(try await s.messages()[0].status == .unknown)
        }
    }

    /// Another process claimed two texts, handed one off and died mid-send: the one never handed
    /// off goes later, once; only the handed-off one is `unknown`, and the console provider has no
    /// records to settle it from, so it stays for staff.
    @Test(arguments: TestEngines.all)
    func aCrashAfterClaimingSendsTheUnhandedTextsAndLeavesOnlyTheHandedOffOneUnknown(engine: EngineKind) async throws {
        try await Self.run(engine) { s in
            _ = try await s.book(n: 0, name: "A")
            _ = try await s.book(n: 1, name: "B")
            let claimed = try await s.store.dispatch.claimDue(limit: 10, lease: 60, worker: "dead").sorted { $0.id < $1.id }
            #expect(claimed.count == 2)
            try await s.store.dispatch.handOff(
                [HandOff(id: claimed[0].id, body: "Hi", segments: 1, encoding: .gsm7, from: nil, provider: "console")], lease: 30, worker: "dead")
            #expect(try await s.run().claimed == 0)  // still leased: not touched
            s.clock.advance(by: 61)
            let report = try await s.run()
            #expect(report.unknown == 1 && report.sent == 1)
            let messages = try await s.messages(MessageFilter(kind: .confirmation))
            #expect(messages.map(\.status) == [.unknown, .sent])
            #expect(messages.map { $0.handedOffAt != nil } == [true, true])
            #expect(s.provider.sent.map(\.messageId) == [claimed[1].id])
            s.clock.advance(by: 3600)
            #expect(try await s.run().sent == 0)
            #expect(try await s.messages(MessageFilter(kind: .confirmation)).map(\.status) == [.unknown, .sent])
        }
    }

    @Test(arguments: TestEngines.all)
    func templateErrorsFailTheMessageInsteadOfSendingBlanks(engine: EngineKind) async throws {
        try await Self.run(engine) { s in
            try await s.store.templates.set(venueId: s.venue.id, name: "confirmation", body: "Hi {{first_name}}! Notes: {{notes}}", actor: .system)
            _ = try await s.book()
            try await s.run()
            #expect(s.provider.sent.isEmpty)
            let m = try await s.messages()[0]
            #expect(m.status == .failed && m.reason == "template_error")
            let attempts = try await s.store.messages.get(venueId: s.venue.id, id: m.id).attempts
            #expect(attempts.first?.detail == "{{notes}} has no value for this message")
        }
    }

    @Test(arguments: TestEngines.all)
    func theFloodGuardCapsTextsPerNumber(engine: EngineKind) async throws {
        var settings = Dispatcher.Settings()
        settings.perRecipientPerHour = 2
        try await Self.run(engine, settings: settings) { s in
            let ann = try await s.store.makeCustomer(s.venue)
            for day in [5.0, 6, 7] {
                let event = try await s.store.makeEvent(s.venue, days: day)
                _ = try await s.store.bookings.create(venue: s.venue, customerId: ann.id, eventId: event.id, seats: 1, notes: nil, source: .api, actor: .system)
            }
            try await s.run()
            #expect(s.provider.sent.count == 2)
            #expect(try await s.messages(MessageFilter(kind: .confirmation)).map(\.status) == [.sent, .sent, .suppressed])
        }
    }

    /// Over the sender's rate a text waits for its token where it stands (on the limiter's own
    /// clock, here a fake that records the waits), so it is never put behind later texts. One call
    /// at a time: texts of different people in one wave go to the provider together, in no set
    /// order (only each person's own texts keep theirs), which made this flaky under load.
    @Test(arguments: TestEngines.all)
    func theSenderRateLimitPacesABurstInOrder(engine: EngineKind) async throws {
        var settings = Dispatcher.Settings()
        settings.sendsPerSecond = 2
        settings.burst = 2
        settings.concurrency = 1
        let waits = PacingClock()
        try await Self.run(engine, settings: settings, timing: waits.timing) { s in
            for i in 0..<5 { _ = try await s.book(n: i, name: "E\(i)") }
            let first = try await s.run()
            #expect(first.sent == 5 && first.postponed == 0)
            // Two from the burst, then one every half second.
            #expect(waits.slept.reduce(0, +) >= 1.5 - 1e-9)
            #expect(s.provider.sent.map(\.messageId) == s.provider.sent.map(\.messageId).sorted())
        }
    }

    /// A backlog of 100 people, each with a confirmation and then a "booking changed", through a
    /// tight rate limit and retries on the way: everyone gets the confirmation first.
    @Test(arguments: TestEngines.all)
    func onePersonsTextsArriveInTheOrderTheyWereCreated(engine: EngineKind) async throws {
        var settings = Dispatcher.Settings()
        settings.sendsPerSecond = 5
        settings.burst = 5
        settings.batchSize = 30
        let waits = PacingClock()
        // Every seventh call is busy at first: those texts go again after a backoff.
        let script = (0..<60).map { i -> SendOutcome in i % 7 == 3 ? .retryable(code: "20429", detail: "busy") : .accepted(providerMessageId: "SMx\(i)", segments: 1) }
        try await Self.run(engine, script: script, settings: settings, timing: waits.timing) { s in
            for i in 0..<100 {
                let (_, _, booking) = try await s.book(n: i, name: "E\(i)")
                _ = try await s.store.bookings.update(venueId: s.venue.id, id: booking.id, seats: 3, notes: nil, actor: .system)
            }
            for _ in 0..<20 {
                try await s.run()
                s.clock.advance(by: 3600)
            }
            // When each text went for good: its last call (the accepted one, after any busy ones).
            var last: [Int64: Int] = [:]
            for (index, sms) in s.provider.sent.enumerated() { last[sms.messageId] = index }
            var kinds: [String: [MessageKind]] = [:]
            for m in try await s.messages() where m.status == .sent && (m.kind == .confirmation || m.kind == .bookingChanged) {
                kinds[m.to, default: []].append(m.kind)
            }
            let byId = Dictionary(try await s.messages().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for (to, _) in kinds {
                let mine = byId.values.filter { $0.to == to && ($0.kind == .confirmation || $0.kind == .bookingChanged) }
                kinds[to] = mine.sorted { (last[$0.id] ?? -1) < (last[$1.id] ?? -1) }.map(\.kind)
            }
            #expect(s.provider.sent.count == 200 + script.filter { if case .retryable = $0 { true } else { false } }.count)
            #expect(kinds.count == 100)
            #expect(kinds.values.allSatisfy { $0 == [.confirmation, .bookingChanged] })
        }
    }

    /// Three server instances (each its own store, connections and dispatcher) on one PostgreSQL,
    /// with 1,000 due reminders: every message goes exactly once. SQLite is the one-process engine
    /// (DESIGN.md section 9): there the three dispatchers share the process's store.
    @Test(arguments: TestEngines.all)
    func threeInstancesSendEachReminderExactlyOnce(engine: EngineKind) async throws {
        var settings = Dispatcher.Settings()
        settings.batchSize = 50
        settings.sendsPerSecond = 1_000_000
        settings.burst = 1_000_000
        let shared = settings
        let clock = ManualClock(EventTime.rfc3339("2026-11-21T10:00:00Z")!)
        try await withTestDatabase(engine, clock: clock) { url, store in
            let venue = try await store.makeVenue()
            _ = try await store.venues.update(id: venue.id, actor: .system) { v in
                var v = v
                v.quietHours = nil
                return v
            }
            let event = try await store.makeEvent(venue, days: 3)
            for i in 0..<1000 {
                let c = try await store.makeCustomer(venue, n: i)
                _ = try await store.bookings.create(venue: venue, customerId: c.id, eventId: event.id, seats: 0, notes: nil, source: .api, actor: .system)
            }
            // Confirmations are not the point here: mark them sent, then bring the reminders due.
            try await store.engine.transaction { db in
                try await db.raw("UPDATE messages SET status = 'sent' WHERE kind = 'confirmation'").run()
            }
            clock.advance(to: event.startsAt.addingTimeInterval(-86_400))
            let logger = {
                var logger = Logger(label: "test")
                logger.logLevel = .critical
                return logger
            }()
            let provider = ScriptedProvider()
            let stores = engine == .postgres
                ? [store, try await Store.open(url, clock: clock, logger: logger, maxConnections: 6, keyring: store.keyring),
                   try await Store.open(url, clock: clock, logger: logger, maxConnections: 6, keyring: store.keyring)]
                : [store, store, store]
            if engine == .sqlite {
                let reports = try await withThrowingTaskGroup(of: Dispatcher.Report.self) { group in
                    for _ in 0..<3 {
                        let d = try Dispatcher(store: store, providers: [provider], settings: shared, publicURL: nil, logger: logger)
                        group.addTask { try await d.runUntilIdle() }
                    }
                    return try await group.reduce(into: [Dispatcher.Report]()) { $0.append($1) }
                }
                #expect(reports.map(\.sent).reduce(0, +) == 1000)
                #expect(Set(provider.sent.map(\.messageId)).count == 1000 && provider.sent.count == 1000)
                return
            }
            let reports = try await stores[1].withRunning { second in
                try await stores[2].withRunning { third in
                    try await withThrowingTaskGroup(of: Dispatcher.Report.self) { group in
                        for s in [store, second, third] {
                            let d = try Dispatcher(store: s, providers: [provider], settings: shared, publicURL: nil, logger: logger)
                            group.addTask { try await d.runUntilIdle() }
                        }
                        return try await group.reduce(into: [Dispatcher.Report]()) { $0.append($1) }
                    }
                }
            }
            #expect(reports.map(\.sent).reduce(0, +) == 1000)
            let ids = provider.sent.map(\.messageId)
            #expect(ids.count == 1000)
            #expect(Set(ids).count == 1000)
            #expect(try await store.messages.list(venueId: venue.id, filter: MessageFilter(status: .sent, kind: .reminder24h), cursor: nil, limit: 200)
                .items.count == 200)
        }
    }
}

/// A rate limiter's clock that moves only when the limiter sleeps, recording each wait.
final class PacingClock: Sendable {
    private let state = Mutex<(now: Double, slept: [Double])>((0, []))
    var slept: [Double] { state.withLock { $0.slept } }
    var timing: SenderRateLimit.Timing {
        SenderRateLimit.Timing(
            now: { self.state.withLock { $0.now } },
            sleep: { seconds in self.state.withLock { $0.now += seconds; $0.slept.append(seconds) } })
    }
}
