import CrierCore
import Crypto
import Foundation
import SQLKit

/// Staff users, their venue memberships and the one-time setup links for the first admin.
/// Passwords arrive already hashed (bcrypt, in the server): the store never sees one.
public struct StaffAccounts: Sendable {
    let store: Store

    /// Creates a user who is `role` in `venueId`; an email already registered is a 409.
    public func create(email: String, passwordHash: String, venueId: Int64, role: Role) async throws -> StaffUser {
        let now = store.clock.now()
        return try await store.retryingAfterRace {
            try await store.engine.transaction { db in
                try await Self.insert(db, email: email, passwordHash: passwordHash, venueId: venueId, role: role, now: now)
            }
        }
    }

    /// Uses a setup link: creates its venue's first owner and names the venue, in one transaction
    /// that also spends the link, so two people racing with it can't both become owner. An
    /// unknown, used or expired link is a 404; bad input leaves the link unspent.
    public func completeSetup(
        token: String, email: String, passwordHash: String, venueName: String, timezone: String
    ) async throws -> (user: StaffUser, venue: Venue) {
        let now = store.clock.now()
        return try await store.engine.transaction { db in
            guard let venueId = try await db.raw("""
                UPDATE setup_tokens SET used_at = \(bind: now.millisecondsSince1970)
                WHERE token_hash = \(bind: Secret.hash(token)) AND used_at IS NULL AND expires_at > \(bind: now.millisecondsSince1970)
                RETURNING venue_id
                """).first()?.decode(column: "venue_id", as: Int64.self),
                try await db.raw("SELECT COUNT(*) AS n FROM staff_users").first()!.decode(column: "n", as: Int.self) == 0
            else { throw CrierError.notFound("setup link") }
            let venue = try await Venues.update(db, id: venueId, actor: .system, now: now) { current throws(CrierError) in
                do throws(FieldErrors) {
                    return try VenueSettings.validate(
                        slug: current.slug, name: venueName, timezone: timezone, defaultRegion: current.defaultRegion,
                        quietHours: current.quietHours, smsEnabled: current.smsEnabled, staffDownloads: current.staffDownloads,
                        messageRetentionDays: current.messageRetentionDays)
                } catch { throw .invalid(error) }
            }
            let user = try await Self.insert(db, email: email, passwordHash: passwordHash, venueId: venueId, role: .owner, now: now)
            return (user, venue)
        }
    }

    /// Inserts a user and their membership inside a transaction; the first account closes every setup link.
    static func insert(_ db: any SQLDatabase, email: String, passwordHash: String, venueId: Int64, role: Role, now: Date) async throws
        -> StaffUser
    {
        if try await db.raw("SELECT id FROM staff_users WHERE email = \(bind: email)").first() != nil {
            throw CrierError.conflict(code: "email_taken", message: "\(email) already has an account",
                                      fields: ["email": "already has an account"])
        }
        let id = try await db.insertReturningID("""
            INSERT INTO staff_users (email, password_hash, created_at)
            VALUES (\(bind: email), \(bind: passwordHash), \(bind: now.millisecondsSince1970))
            """)
        try await db.raw("""
            INSERT INTO memberships (user_id, venue_id, role) VALUES (\(bind: id), \(bind: venueId), \(bind: role.rawValue))
            """).run()
        // The first admin account closes every outstanding setup link.
        try await db.raw("UPDATE setup_tokens SET used_at = \(bind: now.millisecondsSince1970) WHERE used_at IS NULL").run()
        return StaffUser(id: id, email: email, passwordHash: passwordHash, createdAt: now)
    }

    /// How many staff users exist (0 means the install still needs its first admin).
    public func count() async throws -> Int {
        try await store.engine.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM staff_users").first()!.decode(column: "n", as: Int.self)
        }
    }

    public func byEmail(_ email: String) async throws -> StaffUser? {
        try await store.engine.read { db in try await Self.user(db, email: email) }
    }

    static func user(_ db: any SQLDatabase, email: String) async throws -> StaffUser? {
        try await db.raw("SELECT id, email, password_hash, created_at FROM staff_users WHERE email = \(bind: email.lowercased())")
            .first().map { row in
                StaffUser(
                    id: try row.decode(column: "id", as: Int64.self), email: try row.decode(column: "email", as: String.self),
                    passwordHash: try row.decode(column: "password_hash", as: String.self),
                    createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
            }
    }

    public func memberships(userId: Int64) async throws -> [Membership] {
        try await store.engine.read { db in
            try await db.raw("SELECT user_id, venue_id, role FROM memberships WHERE user_id = \(bind: userId) ORDER BY venue_id")
                .all().map { row in
                    Membership(
                        userId: try row.decode(column: "user_id", as: Int64.self),
                        venueId: try row.decode(column: "venue_id", as: Int64.self),
                        role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .staff)
                }
        }
    }

    /// Issues a one-time setup link token for the first admin of `venueId`; only its hash is stored.
    public func issueSetupToken(venueId: Int64, validFor: TimeInterval = 86_400) async throws -> String {
        let token = Secret.random(prefix: "setup_")
        let now = store.clock.now()
        try await store.engine.transaction { db in
            try await db.raw("""
                INSERT INTO setup_tokens (token_hash, venue_id, created_at, expires_at)
                VALUES (\(bind: Secret.hash(token)), \(bind: venueId), \(bind: now.millisecondsSince1970),
                        \(bind: now.addingTimeInterval(validFor).millisecondsSince1970))
                """).run()
        }
        return token
    }

    /// The venue a setup token opens, if it is unused, unexpired and no admin exists yet.
    public func venueForSetupToken(_ token: String) async throws -> Int64? {
        let now = store.clock.now().millisecondsSince1970
        return try await store.engine.read { db in
            try await db.raw("""
                SELECT venue_id FROM setup_tokens WHERE token_hash = \(bind: Secret.hash(token)) AND used_at IS NULL
                AND expires_at > \(bind: now)
                """).first()?.decode(column: "venue_id", as: Int64.self)
        }
    }
}

/// High-entropy secrets (API keys, setup tokens) and how they are stored: SHA-256, never in clear.
/// A fast hash is right here: the secret has 256 random bits, so there is nothing to brute-force.
public enum Secret {
    /// `prefix` followed by 43 base64url characters (32 random bytes).
    public static func random(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// Hex SHA-256 of the secret.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
