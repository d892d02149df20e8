import CrierCore
import Foundation
import SQLKit

/// A signed-in staff member's session in the web form: who, in which venue, with which role.
public struct StaffSession: Sendable, Equatable {
    public var userId: Int64
    public var email: String
    public var venueId: Int64
    public var role: Role
    /// Every state-changing form carries this; a POST without it is refused.
    public var csrfToken: String
    public var expiresAt: Date

    /// Owners and managers change settings and staff; staff run the day.
    public var canManage: Bool { role == .owner || role == .manager }
}

/// Web sessions, kept in the database so several instances share them. The cookie holds a random
/// token; only its SHA-256 is stored. A session lapses after `idleLifetime` without a request.
public struct WebSessions: Sendable {
    let store: Store

    /// How long a session lasts without use.
    public static let idleLifetime: TimeInterval = 12 * 3600
    /// A session's expiry is pushed forward at most this often (not a write per page view).
    static let touchEvery: TimeInterval = 60

    /// Starts a session for `userId` in `venueId`; returns the cookie's token.
    public func start(userId: Int64, venueId: Int64) async throws -> String {
        let token = Secret.random(prefix: "s_")
        let now = store.clock.now()
        try await store.engine.transaction { db in
            // Sweep lapsed sessions while here: the table stays the size of who is signed in.
            try await db.raw("DELETE FROM web_sessions WHERE expires_at <= \(bind: now.millisecondsSince1970)").run()
            try await db.raw("""
                INSERT INTO web_sessions (token_hash, user_id, venue_id, csrf_token, created_at, expires_at, seen_at)
                VALUES (\(bind: Secret.hash(token)), \(bind: userId), \(bind: venueId), \(bind: Secret.random(prefix: "")),
                        \(bind: now.millisecondsSince1970), \(bind: now.addingTimeInterval(Self.idleLifetime).millisecondsSince1970),
                        \(bind: now.millisecondsSince1970))
                """).run()
        }
        return token
    }

    /// The live session for a cookie's token (nil: none, lapsed, or no longer a member of its venue).
    public func current(token: String) async throws -> StaffSession? {
        let now = store.clock.now()
        let hash = Secret.hash(token)
        guard let row = try await store.engine.read({ db in
            try await db.raw("""
                SELECT s.user_id, u.email, s.venue_id, m.role, s.csrf_token, s.expires_at, s.seen_at
                FROM web_sessions s JOIN staff_users u ON u.id = s.user_id
                JOIN memberships m ON m.user_id = s.user_id AND m.venue_id = s.venue_id
                WHERE s.token_hash = \(bind: hash) AND s.expires_at > \(bind: now.millisecondsSince1970)
                """).first()
        }) else { return nil }
        var session = StaffSession(
            userId: try row.decode(column: "user_id", as: Int64.self), email: try row.decode(column: "email", as: String.self),
            venueId: try row.decode(column: "venue_id", as: Int64.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .staff,
            csrfToken: try row.decode(column: "csrf_token", as: String.self),
            expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)))
        let seen = Date(millisecondsSince1970: try row.decode(column: "seen_at", as: Int64.self))
        if now.timeIntervalSince(seen) >= Self.touchEvery {
            let expires = now.addingTimeInterval(Self.idleLifetime)
            session.expiresAt = expires
            try await store.engine.transaction { db in
                try await db.raw("""
                    UPDATE web_sessions SET seen_at = \(bind: now.millisecondsSince1970),
                        expires_at = \(bind: expires.millisecondsSince1970) WHERE token_hash = \(bind: hash)
                    """).run()
            }
        }
        return session
    }

    /// Ends the session (logout).
    public func end(token: String) async throws {
        try await store.engine.transaction { db in
            try await db.raw("DELETE FROM web_sessions WHERE token_hash = \(bind: Secret.hash(token))").run()
        }
    }

    /// Moves the session to another of the user's venues; a venue they are not a member of is a 403.
    public func switchVenue(token: String, userId: Int64, venueId: Int64) async throws {
        try await store.engine.transaction { db in
            guard try await db.raw("SELECT role FROM memberships WHERE user_id = \(bind: userId) AND venue_id = \(bind: venueId)").first() != nil
            else { throw CrierError.forbidden("you are not on the staff of that venue") }
            try await db.raw("UPDATE web_sessions SET venue_id = \(bind: venueId) WHERE token_hash = \(bind: Secret.hash(token))").run()
        }
    }
}
