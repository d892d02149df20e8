import CrierCore
import CrierStore
import CrierTestSupport
import Foundation
import Testing

/// A setup link makes the first owner and names the venue in one transaction, and works once.
struct StaffSetupStoreTests {
    @Test(arguments: TestEngines.all)
    func aSetupLinkWorksOnceAndBadInputLeavesItUnspent(engine: EngineKind) async throws {
        try await withTestStore(engine) { store in
            let (venue, _) = try await store.venues.ensureDefault(timezone: "Europe/London", region: "GB")
            let token = try await store.staff.issueSetupToken(venueId: venue.id)
            // A bad time zone: nothing is written, and the link still works.
            await #expect(throws: CrierError.invalid(FieldErrors("timezone", "is not an IANA time zone such as Europe/London"))) {
                try await store.staff.completeSetup(token: token, email: "o@example.com", passwordHash: "h", venueName: "Fox", timezone: "Mars")
            }
            #expect(try await store.staff.count() == 0)
            #expect(try await store.venues.byID(venue.id)?.name == venue.name)
            let (user, named) = try await store.staff.completeSetup(
                token: token, email: "o@example.com", passwordHash: "h", venueName: "The Fox", timezone: "America/New_York")
            #expect(named.name == "The Fox" && named.timezone == "America/New_York")
            #expect(try await store.staff.memberships(userId: user.id) == [Membership(userId: user.id, venueId: venue.id, role: .owner)])
            // Spent: a second use (even with another email) is refused and adds nobody.
            await #expect(throws: CrierError.notFound("setup link")) {
                try await store.staff.completeSetup(token: token, email: "p@example.com", passwordHash: "h", venueName: "X", timezone: "UTC")
            }
            await #expect(throws: CrierError.notFound("setup link")) {
                try await store.staff.completeSetup(token: "setup_nope", email: "p@example.com", passwordHash: "h", venueName: "X", timezone: "UTC")
            }
            #expect(try await store.staff.count() == 1)
        }
    }
}
