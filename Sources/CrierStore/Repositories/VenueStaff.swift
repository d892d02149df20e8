import CrierCore
import Foundation
import SQLKit

/// One person on a venue's staff, as the settings page lists them.
public struct StaffMember: Sendable, Equatable {
    public var userId: Int64
    public var email: String
    public var role: Role
    public var createdAt: Date
}

/// A venue's staff list: who may sign in to it and with what role. Every change is journaled;
/// only an owner may make, change or remove an owner (`by` is the role of whoever asks); and the
/// last owner can be neither demoted nor removed, so a venue is never left without one. The rules
/// are checked inside the change's transaction, against the rows it locks. People join only by
/// accepting an invitation (`StaffInvitations`).
extension StaffAccounts {
    public func members(venueId: Int64) async throws -> [StaffMember] {
        try await store.engine.read { db in
            try await Self.members(db, venueId: venueId, lock: false)
        }
    }

    /// Changes someone's role in the venue.
    public func setRole(venueId: Int64, userId: Int64, role: Role, by asking: Role, actor: Actor) async throws {
        let now = store.clock.now()
        try await store.engine.transaction { db in
            let staff = try await Self.members(db, venueId: venueId, lock: true)
            guard let member = staff.first(where: { $0.userId == userId }) else { throw CrierError.notFound("staff member") }
            try Self.refuseOwnerChange(member, by: asking)
            try Self.refuseGrant(role, by: asking)
            guard member.role != role else { return }
            try Self.refuseLastOwner(member, staff, doing: "demote")
            try await db.raw("""
                UPDATE memberships SET role = \(bind: role.rawValue) WHERE user_id = \(bind: userId) AND venue_id = \(bind: venueId)
                """).run()
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: userId,
                .staffRoleChanged(StaffChanged(email: member.email, role: role, was: member.role)))
        }
    }

    /// Takes someone off the venue's staff; their sessions in it end at once (sessions join memberships).
    public func removeMember(venueId: Int64, userId: Int64, by asking: Role, actor: Actor) async throws {
        let now = store.clock.now()
        try await store.engine.transaction { db in
            let staff = try await Self.members(db, venueId: venueId, lock: true)
            guard let member = staff.first(where: { $0.userId == userId }) else { throw CrierError.notFound("staff member") }
            try Self.refuseOwnerChange(member, by: asking)
            try Self.refuseLastOwner(member, staff, doing: "remove")
            try await db.raw("DELETE FROM memberships WHERE user_id = \(bind: userId) AND venue_id = \(bind: venueId)").run()
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: userId, .staffRemoved(StaffChanged(email: member.email, role: member.role)))
        }
    }

    static func refuseGrant(_ role: Role, by asking: Role) throws(CrierError) {
        if role == .owner, asking != .owner { throw .invalid(FieldErrors("role", "can be owner only when an owner grants it")) }
    }

    static func refuseOwnerChange(_ member: StaffMember, by asking: Role) throws(CrierError) {
        if member.role == .owner, asking != .owner { throw .forbidden("Only an owner can change or remove an owner.") }
    }

    static func refuseLastOwner(_ member: StaffMember, _ staff: [StaffMember], doing verb: String) throws {
        if member.role == .owner, staff.filter({ $0.role == .owner }).count == 1 {
            throw CrierError.conflict(code: "last_owner", message: "\(member.email) is the venue's only owner: make someone else owner first, then \(verb) them")
        }
    }

    /// The staff in email order; `lock` holds their rows on PostgreSQL so two owners demoting each
    /// other at once can't both pass the last-owner check (SQLite's single writer already serialises).
    static func members(_ db: any SQLDatabase, venueId: Int64, lock: Bool) async throws -> [StaffMember] {
        let suffix = lock && db.dialect.name == "postgresql" ? " FOR UPDATE OF m" : ""
        return try await db.raw("""
            SELECT m.user_id, u.email, m.role, u.created_at FROM memberships m JOIN staff_users u ON u.id = m.user_id
            WHERE m.venue_id = \(bind: venueId) ORDER BY u.email\(unsafeRaw: suffix)
            """).all().map { row in
            StaffMember(
                userId: try row.decode(column: "user_id", as: Int64.self), email: try row.decode(column: "email", as: String.self),
                role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .staff,
                createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
        }
    }
}
