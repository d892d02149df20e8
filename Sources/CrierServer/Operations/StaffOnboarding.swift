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
        let (email, hash) = try credentials(email: email, password: password)
        return try await store.staff.create(email: email, passwordHash: hash, venueId: venue.id, role: role)
    }

    /// Uses a first-run setup link: the venue's first owner, and the venue's name and timezone.
    public func completeSetup(token: String, email: String, password: String, venueName: String, timezone: String) async throws
        -> (user: StaffUser, venue: Venue)
    {
        let (email, hash) = try credentials(email: email, password: password)
        return try await store.staff.completeSetup(token: token, email: email, passwordHash: hash, venueName: venueName, timezone: timezone)
    }

    /// A checked email and the password's bcrypt hash; every rule broken is reported at once.
    func credentials(email: String, password: String) throws(CrierError) -> (String, String) {
        var errors = FieldErrors()
        let email = StaffUser.validEmail(email, errors: &errors)
        if email == nil, errors.isEmpty { errors.add("email", "is required") }
        if password.count < Self.minimumPasswordLength {
            errors.add("password", "must be at least \(Self.minimumPasswordLength) characters")
        } else if password.utf8.count > 72 {
            errors.add("password", "must be at most 72 bytes (bcrypt ignores the rest)")
        }
        guard errors.isEmpty, let email else { throw .invalid(errors) }
        return (email, Bcrypt.hash(password, cost: cost))
    }

    /// Whether `password` matches the stored bcrypt hash.
    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }
}
