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
            for _ in 0..<3 { try await store.sessions.recordFailure(email: "A@example.com") }
            #expect(try await store.sessions.failures(email: "a@example.com", since: testNow.addingTimeInterval(-60)) == 3)
            try await store.sessions.clearFailures(email: "a@example.com")
            #expect(try await store.sessions.failures(email: "a@example.com", since: testNow.addingTimeInterval(-60)) == 0)
        }
    }
}
