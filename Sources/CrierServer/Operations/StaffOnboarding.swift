import CrierCore
import CrierStore
import HummingbirdBcrypt

/// Creating staff accounts: email and password rules, bcrypt hashing (never a hand-rolled hash).
public struct StaffOnboarding: Sendable {
    public let store: Store
    /// bcrypt cost: 12 in production; tests may lower it to stay fast.
    public let cost: UInt8

    public init(store: Store, cost: UInt8 = 12) {
        self.store = store
        self.cost = cost
    }

    /// Shortest password accepted.
    public static let minimumPasswordLength = 10

    /// Creates a staff user with `role` in `venue`; bad input is a `CrierError.invalid`.
    public func createUser(email: String, password: String, venue: Venue, role: Role) async throws -> StaffUser {
        var errors = FieldErrors()
        let email = StaffUser.validEmail(email, errors: &errors)
        if email == nil { errors.add("email", "is required") }
        if password.count < Self.minimumPasswordLength {
            errors.add("password", "must be at least \(Self.minimumPasswordLength) characters")
        } else if password.utf8.count > 72 {
            errors.add("password", "must be at most 72 bytes (bcrypt ignores the rest)")
        }
        guard errors.isEmpty, let email else { throw CrierError.invalid(errors) }
        let hash = Bcrypt.hash(password, cost: cost)
        return try await store.staff.create(email: email, passwordHash: hash, venueId: venue.id, role: role)
    }

    /// Whether `password` matches the stored bcrypt hash.
    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
