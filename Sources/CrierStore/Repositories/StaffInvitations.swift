import CrierCore
import Foundation
import SQLKit

/// An invitation to join a venue's staff, as the staff page lists it (never with its link).
public struct StaffInvitation: Sendable, Equatable {
    public var id: Int64
    public var venueId: Int64
    public var email: String
    public var role: Role
    public var createdAt: Date
    public var expiresAt: Date
}

/// What the person holding an invitation link sees before accepting: which venue, as what, and
/// whether to sign in with their existing account or choose a password for a new one.
public struct InvitationOffer: Sendable, Equatable {
    public var invitation: StaffInvitation
    public var venueName: String
    /// The venue's zone, to show when the link expires in its local time.
    public var venueTimeZone: TimeZone
    public var hasAccount: Bool
}

/// How an invitation is accepted: by someone new, who chose a password (its hash), or by the
/// holder of the existing account for the invited email (whose password the server checked).
public enum InvitationAcceptance: Sendable {
    case newAccount(passwordHash: String)
    case existingAccount(userId: Int64)
}

/// Invitations to a venue's staff: the only way an account joins a venue. A manager names an
/// email and a role and gets a one-time link to pass on; nothing tells them whether the email
/// already has an account. The link's holder accepts it, as a new account or with their own
/// password, and only then are they on the staff. Links last seven days; only their hash is kept.
public struct StaffInvitations: Sendable {
    let store: Store

    /// How long a link stays usable.
    public static let lifetime: TimeInterval = 7 * 86_400

    /// Invites `email` as `role` (who may grant it is the staff list's rule) and returns the link's
    /// token. An earlier pending invitation for the same email here is replaced. Someone already
    /// on this venue's staff is a 409 (the manager can see the staff list anyway).
    public func invite(venueId: Int64, email: String, role: Role, by asking: Role, actor: Actor) async throws
        -> (invitation: StaffInvitation, token: String)
    {
        try StaffAccounts.refuseGrant(role, by: asking)
        let token = Secret.random(prefix: "invite_")
        let now = store.clock.now(), expires = now.addingTimeInterval(Self.lifetime)
        return try await store.engine.transaction { db in
            if try await db.raw("""
                SELECT 1 AS x FROM memberships m JOIN staff_users u ON u.id = m.user_id
                WHERE m.venue_id = \(bind: venueId) AND u.email = \(bind: email)
                """).first() != nil {
                throw CrierError.conflict(code: "already_staff", message: "\(email) is already on the staff",
                                          fields: ["email": "is already on the staff"])
            }
            try await db.raw("""
                UPDATE staff_invitations SET revoked_at = \(bind: now.millisecondsSince1970)
                WHERE venue_id = \(bind: venueId) AND email = \(bind: email) AND accepted_at IS NULL AND revoked_at IS NULL
                """).run()
            let id = try await db.insertReturningID("""
                INSERT INTO staff_invitations (venue_id, email, role, token_hash, invited_by, created_at, expires_at)
                VALUES (\(bind: venueId), \(bind: email), \(bind: role.rawValue), \(bind: Secret.hash(token)), \(bind: actor.description),
                        \(bind: now.millisecondsSince1970), \(bind: expires.millisecondsSince1970))
                """)
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: id, .staffInvited(StaffChanged(email: email, role: role)))
            return (StaffInvitation(id: id, venueId: venueId, email: email, role: role, createdAt: now, expiresAt: expires), token)
        }
    }

    /// The venue's invitations not yet accepted, withdrawn or expired, newest first.
    public func pending(venueId: Int64) async throws -> [StaffInvitation] {
        let now = store.clock.now().millisecondsSince1970
        return try await store.engine.read { db in
            try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM staff_invitations
                WHERE venue_id = \(bind: venueId) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > \(bind: now)
                ORDER BY id DESC
                """).all().map(Self.invitation)
        }
    }

    /// Withdraws a pending invitation of this venue; another venue's, or one already used, is a 404.
    public func revoke(venueId: Int64, id: Int64, actor: Actor) async throws {
        let now = store.clock.now()
        try await store.engine.transaction { db in
            guard let row = try await db.raw("""
                UPDATE staff_invitations SET revoked_at = \(bind: now.millisecondsSince1970)
                WHERE id = \(bind: id) AND venue_id = \(bind: venueId) AND accepted_at IS NULL AND revoked_at IS NULL
                RETURNING \(unsafeRaw: Self.columns)
                """).first() else { throw CrierError.notFound("invitation") }
            let invitation = try Self.invitation(row)
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: id,
                .staffInvitationRevoked(StaffChanged(email: invitation.email, role: invitation.role)))
        }
    }

    /// The offer behind a link that can still be accepted (nil: unknown, used, withdrawn or expired).
    public func offer(token: String) async throws -> InvitationOffer? {
        let now = store.clock.now().millisecondsSince1970
        return try await store.engine.read { db in
            guard let row = try await db.raw("""
                SELECT i.id, i.venue_id, i.email, i.role, i.created_at, i.expires_at,
                       v.name AS venue_name, v.timezone AS venue_timezone, (SELECT COUNT(*) FROM staff_users u WHERE u.email = i.email) AS accounts
                FROM staff_invitations i JOIN venues v ON v.id = i.venue_id
                WHERE i.token_hash = \(bind: Secret.hash(token)) AND i.accepted_at IS NULL AND i.revoked_at IS NULL
                  AND i.expires_at > \(bind: now)
                """).first() else { return nil }
            return InvitationOffer(
                invitation: try Self.invitation(row), venueName: try row.decode(column: "venue_name", as: String.self),
                venueTimeZone: TimeZone(identifier: try row.decode(column: "venue_timezone", as: String.self)) ?? .gmt,
                hasAccount: try row.decode(column: "accounts", as: Int.self) > 0)
        }
    }

    /// Accepts the invitation behind `token` in one transaction that spends the link, so it works
    /// once: creates the account (`.newAccount`) or uses the invited email's own (`.existingAccount`,
    /// whose id must be that email's), and puts it on the staff. A link that can no longer be used
    /// is a 404; anything refused leaves it unspent.
    public func accept(token: String, as acceptance: InvitationAcceptance) async throws -> (user: StaffUser, venueId: Int64) {
        let now = store.clock.now()
        return try await store.retryingAfterRace {
            try await store.engine.transaction { db in
                guard let row = try await db.raw("""
                    UPDATE staff_invitations SET accepted_at = \(bind: now.millisecondsSince1970)
                    WHERE token_hash = \(bind: Secret.hash(token)) AND accepted_at IS NULL AND revoked_at IS NULL
                      AND expires_at > \(bind: now.millisecondsSince1970)
                    RETURNING \(unsafeRaw: Self.columns)
                    """).first() else { throw CrierError.notFound("invitation (it has been used, withdrawn, or it expired)") }
                let invitation = try Self.invitation(row)
                let user: StaffUser
                switch acceptance {
                case .newAccount(let hash):
                    user = try await StaffAccounts.insert(
                        db, email: invitation.email, passwordHash: hash, venueId: invitation.venueId, role: invitation.role, now: now)
                case .existingAccount(let userId):
                    guard let found = try await StaffAccounts.user(db, email: invitation.email), found.id == userId else {
                        throw CrierError.forbidden("This invitation is for another account.")
                    }
                    if try await db.raw("""
                        SELECT 1 AS x FROM memberships WHERE user_id = \(bind: userId) AND venue_id = \(bind: invitation.venueId)
                        """).first() != nil {
                        throw CrierError.conflict(code: "already_staff", message: "\(invitation.email) is already on the staff")
                    }
                    try await db.raw("""
                        INSERT INTO memberships (user_id, venue_id, role)
                        VALUES (\(bind: userId), \(bind: invitation.venueId), \(bind: invitation.role.rawValue))
                        """).run()
                    user = found
                }
                try await JournalWriter(db: db, actor: .staff(user.id), at: now).append(
                    venueId: invitation.venueId, customerId: nil, subjectId: user.id,
                    .staffAdded(StaffChanged(email: invitation.email, role: invitation.role)))
                return (user, invitation.venueId)
            }
        }
    }

    static let columns = "id, venue_id, email, role, created_at, expires_at"

    static func invitation(_ row: any SQLRow) throws -> StaffInvitation {
        StaffInvitation(
            id: try row.decode(column: "id", as: Int64.self), venueId: try row.decode(column: "venue_id", as: Int64.self),
            email: try row.decode(column: "email", as: String.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .staff,
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: Date(millisecondsSince1970: try row.decode(column: "expires_at", as: Int64.self)))
    }
}
