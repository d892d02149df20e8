import Foundation

/// A person who signs in to the staff web form.
public struct StaffUser: Sendable, Equatable {
    public var id: Int64
    /// Lower-cased; unique per install.
    public var email: String
    /// bcrypt hash; the password itself is never stored.
    public var passwordHash: String
    public var createdAt: Date

    public init(id: Int64, email: String, passwordHash: String, createdAt: Date) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }

    /// Normalises and checks an email address: one `@`, a dot in the domain, no spaces.
    public static func validEmail(_ text: String?, field: String = "email", errors: inout FieldErrors) -> String? {
        guard let email = Text.optional(text, field: field, max: 254, errors: &errors)?.lowercased() else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), !email.contains(where: \.isWhitespace)
        else {
            errors.add(field, "is not an email address")
            return nil
        }
        return email
    }
}

/// What a staff member may do in a venue.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Everything, including other owners.
    case owner
    /// Settings, staff and day-to-day work.
    case manager
    /// Day-to-day: customers, events, bookings, replies.
    case staff
}

/// A staff user's role in one venue.
public struct Membership: Sendable, Equatable {
    public var userId: Int64
    public var venueId: Int64
    public var role: Role

    public init(userId: Int64, venueId: Int64, role: Role) {
        self.userId = userId
        self.venueId = venueId
        self.role = role
    }
}
