import CrierCore
import CrierStore
import Foundation

/// What `crier serve` does on start: migrate, make sure a venue exists, and while no staff
/// account exists, issue a one-time link for creating the first admin.
public struct FirstRun: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    /// The outcome, for printing.
    public struct Outcome: Sendable {
        public var migrationsApplied: Int
        public var venue: Venue
        public var venueCreated: Bool
        /// Set while the install has no staff account yet.
        public var setupToken: String?
    }

    /// `timezone` and `region` are used only when the default venue has to be created.
    public func prepare(timezone: String, region: String) async throws -> Outcome {
        let applied = try await store.migrate()
        let (venue, created) = try await store.venues.ensureDefault(timezone: timezone, region: region)
        var token: String?
        if try await store.staff.count() == 0 {
            token = try await store.staff.issueSetupToken(venueId: venue.id)
        }
        return Outcome(migrationsApplied: applied, venue: venue, venueCreated: created, setupToken: token)
    }
}
