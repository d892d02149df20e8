import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

/// Web sessions are stored server-side (shared by instances), lapse when idle, end on logout, and
/// only move to venues the user belongs to; failed sign-ins are counted per email.
struct WebSessionStoreTests {
    @Test(arguments: TestEngines.all)
    func sessionsLiveInTheDatabaseAndLapse(engine: EngineKind) async throws {
        let clock = ManualClock(testNow)
        try await withTestStore(engine, clock: clock) { store in
            let (venue, _) = try await store.venues.ensureDefault(timezone: "Europe/London", region: "GB")
            let user = try await store.staff.create(email: "a@example.com", passwordHash: "x", venueId: venue.id, role: .manager)
            let token = try await store.sessions.start(userId: user.id, venueId: venue.id)
            let session = try #require(try await store.sessions.current(token: token))
            #expect(session.userId == user.id && session.venueId == venue.id && session.role == .manager && session.canManage)
            #expect(session.csrfToken.count >= 40)
            #expect(try await store.sessions.current(token: token + "x") == nil)
            // Use keeps it alive; twelve idle hours end it.
            clock.advance(by: 11 * 3600)
            #expect(try await store.sessions.current(token: token) != nil)
            clock.advance(by: 11 * 3600)
            #expect(try await store.sessions.current(token: token) != nil)
            clock.advance(by: 12 * 3600 + 1)
            #expect(try await store.sessions.current(token: token) == nil)
            // Logout ends it at once.
            let second = try await store.sessions.start(userId: user.id, venueId: venue.id)
            try await store.sessions.end(token: second)
            #expect(try await store.sessions.current(token: second) == nil)
        }
    }

    @Test(arguments: TestEngines.all)
    func switchingVenueNeedsMembershipAndFailuresAreCounted(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let (venue, _) = try await store.venues.ensureDefault(timezone: "Europe/London", region: "GB")
            let other = try await store.venues.create(
                try VenueSettings.validate(slug: "other", name: "Other", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
            let user = try await store.staff.create(email: "a@example.com", passwordHash: "x", venueId: venue.id, role: .staff)
            let token = try await store.sessions.start(userId: user.id, venueId: venue.id)
            await #expect(throws: CrierError.forbidden("you are not on the staff of that venue")) {
                try await store.sessions.switchVenue(token: token, userId: user.id, venueId: other.id)
            }
            #expect(try await store.sessions.current(token: token)?.venueId == venue.id)
            #expect(try await store.sessions.current(token: token)?.canManage == false)
        }
    }

    /// Sign-in attempts are reserved before the password is checked, each limit counted in the
    /// same transaction: simultaneous reservations never get past a limit, on either engine.
    @Test(arguments: TestEngines.all)
    func simultaneousSignInAttemptsNeverPassTheLimits(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<16 {
                    group.addTask { if case .success = try await store.signIns.reserve(email: "Owner@example.com", address: "203.0.113.9") { true } else { false } }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 5)
            // The owner, elsewhere, is not locked out by them; the same address is, for any email, past 20.
            guard case .success(let id) = try await store.signIns.reserve(email: "owner@example.com", address: "198.51.100.4") else {
                Issue.record("the owner's own address was locked out")
                return
            }
            try await store.signIns.succeeded(id, email: "owner@example.com", address: "198.51.100.4")
            var fromOne: [SignInLimit?] = []
            for n in 0..<16 {
                let result = try await store.signIns.reserve(email: "guess\(n)@example.com", address: "203.0.113.9")
                if case .failure(let refused) = result { fromOne.append(refused.limit) } else { fromOne.append(nil) }
            }
            #expect(fromOne.filter { $0 == nil }.count == 15 && fromOne.last == .address)
            // Many addresses guessing one email: refused for that email past its limit (50; 8 here),
            // from anywhere. Five are counted already, so three more go through.
            var limits = SignInLimits()
            limits.perEmail = 8
            for n in 0..<3 { _ = try await store.signIns.reserve(email: "owner@example.com", address: "192.0.2.\(n)", limits: limits) }
            let spread = try await store.signIns.reserve(email: "owner@example.com", address: "192.0.2.99", limits: limits)
            #expect(spread == .failure(SignInLimitReached(limit: .email)))
            // The owner's success took back its reservation: 5 + 3 remain for the email.
            #expect(try await store.signIns.failures(email: "owner@example.com", since: testNow.addingTimeInterval(-60)) == 8)
        }
    }
}
