import Foundation

// What the journal records about venues, customers, events, bookings, consent and staff. Field
// names are the stored JSON keys; a field added later is optional, so older rows still read.

/// `venue.created`.
public struct VenueCreated: Sendable, Equatable, Codable {
    public var slug: String
    public var name: String
    public var timezone: String
    public init(slug: String, name: String, timezone: String) {
        self.slug = slug
        self.name = name
        self.timezone = timezone
    }
}

/// Quiet hours as the journal keeps them (`"22:00"`, `"08:00"`).
public struct JournalQuietHours: Sendable, Equatable, Codable {
    public var start: String
    public var end: String
    public init(start: String, end: String) {
        self.start = start
        self.end = end
    }
}

/// `venue.changed`: settings changed, or the SMS provider set (`provider`, the setting names given).
public struct VenueChanged: Sendable, Equatable, Codable {
    public var name: FieldChange<String>?
    public var timezone: FieldChange<String>?
    public var defaultRegion: FieldChange<String>?
    public var quietHours: FieldChange<JournalQuietHours?>?
    public var smsEnabled: FieldChange<Bool>?
    public var staffDownloads: FieldChange<Bool>?
    public var messageRetentionDays: FieldChange<Int?>?
    public var provider: String?
    public var settingsSet: [String]?

    public init(
        name: FieldChange<String>? = nil, timezone: FieldChange<String>? = nil, defaultRegion: FieldChange<String>? = nil,
        quietHours: FieldChange<JournalQuietHours?>? = nil, smsEnabled: FieldChange<Bool>? = nil,
        staffDownloads: FieldChange<Bool>? = nil, messageRetentionDays: FieldChange<Int?>? = nil, provider: String? = nil,
        settingsSet: [String]? = nil
    ) {
        self.name = name
        self.timezone = timezone
        self.defaultRegion = defaultRegion
        self.quietHours = quietHours
        self.smsEnabled = smsEnabled
        self.staffDownloads = staffDownloads
        self.messageRetentionDays = messageRetentionDays
        self.provider = provider
        self.settingsSet = settingsSet
    }

    /// Whether anything changed (an entry is written only then).
    public var isEmpty: Bool { self == VenueChanged() }

    enum Fields: String, CodingKey { case name, timezone, defaultRegion = "default_region", quietHours = "quiet_hours", smsEnabled = "sms_enabled",
                                       staffDownloads = "staff_downloads", messageRetentionDays = "message_retention_days" }
    enum Keys: String, CodingKey { case provider, settingsSet = "settings_set" }

    public init(from decoder: any Decoder) throws {
        let changes = try FieldChangeReader<Fields>(decoder)
        name = try changes.field(.name)
        timezone = try changes.field(.timezone)
        defaultRegion = try changes.field(.defaultRegion)
        quietHours = try changes.field(.quietHours)
        smsEnabled = try changes.field(.smsEnabled)
        staffDownloads = try changes.field(.staffDownloads)
        messageRetentionDays = try changes.field(.messageRetentionDays)
        let keys = try decoder.container(keyedBy: Keys.self)
        provider = try keys.decodeIfPresent(String.self, forKey: .provider)
        settingsSet = try keys.decodeIfPresent([String].self, forKey: .settingsSet)
    }

    public func encode(to encoder: any Encoder) throws {
        if let provider {
            var keys = encoder.container(keyedBy: Keys.self)
            try keys.encode(provider, forKey: .provider)
            try keys.encode(settingsSet ?? [], forKey: .settingsSet)
            return
        }
        var changes = FieldChangeWriter<Fields>(encoder)
        try changes.field(.name, name)
        try changes.field(.timezone, timezone)
        try changes.field(.defaultRegion, defaultRegion)
        try changes.field(.quietHours, quietHours)
        try changes.field(.smsEnabled, smsEnabled)
        try changes.field(.staffDownloads, staffDownloads)
        try changes.field(.messageRetentionDays, messageRetentionDays)
    }
}

/// `customer.created`: the customer as created (the mobile in E.164).
public struct CustomerCreated: Sendable, Equatable, Codable {
    public var firstName: String
    public var lastName: String
    public var mobile: String
    public var email: String?
    public var notes: String?
    enum CodingKeys: String, CodingKey { case firstName = "first_name", lastName = "last_name", mobile, email, notes }
    public init(firstName: String, lastName: String, mobile: String, email: String?, notes: String?) {
        self.firstName = firstName
        self.lastName = lastName
        self.mobile = mobile
        self.email = email
        self.notes = notes
    }
}

/// `customer.changed`: the fields that changed.
public struct CustomerChanged: Sendable, Equatable, Codable {
    public var firstName: FieldChange<String>?
    public var lastName: FieldChange<String>?
    public var mobile: FieldChange<String>?
    public var email: FieldChange<String?>?
    public var notes: FieldChange<String?>?

    public init(
        firstName: FieldChange<String>? = nil, lastName: FieldChange<String>? = nil, mobile: FieldChange<String>? = nil,
        email: FieldChange<String?>? = nil, notes: FieldChange<String?>? = nil
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.mobile = mobile
        self.email = email
        self.notes = notes
    }

    /// The change from one customer's fields to another's.
    public init(from old: CustomerCreated, to new: CustomerCreated) {
        self.init(
            firstName: .between(old.firstName, new.firstName), lastName: .between(old.lastName, new.lastName),
            mobile: .between(old.mobile, new.mobile), email: .between(old.email, new.email), notes: .between(old.notes, new.notes))
    }

    public var isEmpty: Bool { self == CustomerChanged() }

    enum Fields: String, CodingKey { case firstName = "first_name", lastName = "last_name", mobile, email, notes }

    public init(from decoder: any Decoder) throws {
        let changes = try FieldChangeReader<Fields>(decoder)
        firstName = try changes.field(.firstName)
        lastName = try changes.field(.lastName)
        mobile = try changes.field(.mobile)
        email = try changes.field(.email)
        notes = try changes.field(.notes)
    }

    public func encode(to encoder: any Encoder) throws {
        var changes = FieldChangeWriter<Fields>(encoder)
        try changes.field(.firstName, firstName)
        try changes.field(.lastName, lastName)
        try changes.field(.mobile, mobile)
        try changes.field(.email, email)
        try changes.field(.notes, notes)
    }
}

/// `customer.deleted`: who it was and how many of their bookings went with them.
public struct CustomerDeleted: Sendable, Equatable, Codable {
    public var name: String
    public var bookingsDeleted: Int
    enum CodingKeys: String, CodingKey { case name, bookingsDeleted = "bookings_deleted" }
    public init(name: String, bookingsDeleted: Int) {
        self.name = name
        self.bookingsDeleted = bookingsDeleted
    }
}

/// `customer.erased`: that an erasure happened and how much it scrubbed, nothing about the person.
public struct CustomerErased: Sendable, Equatable, Codable {
    public var bookingsDeleted: Int
    public var textsScrubbed: Int
    public var entriesScrubbed: Int
    /// Whether they had opted out, so a salted hash of their number was kept to keep them opted out.
    public var optOutKept: Bool
    enum CodingKeys: String, CodingKey {
        case bookingsDeleted = "bookings_deleted", textsScrubbed = "texts_scrubbed", entriesScrubbed = "entries_scrubbed"
        case optOutKept = "opt_out_kept"
    }
    public init(bookingsDeleted: Int, textsScrubbed: Int, entriesScrubbed: Int, optOutKept: Bool) {
        self.bookingsDeleted = bookingsDeleted
        self.textsScrubbed = textsScrubbed
        self.entriesScrubbed = entriesScrubbed
        self.optOutKept = optOutKept
    }
}

/// `event.created`.
public struct EventCreated: Sendable, Equatable, Codable {
    public var name: String
    public var startsAt: Date
    public var endsAt: Date?
    public var capacity: Int?
    public var description: String?
    enum CodingKeys: String, CodingKey { case name, startsAt = "starts_at", endsAt = "ends_at", capacity, description }
    public init(name: String, startsAt: Date, endsAt: Date?, capacity: Int?, description: String?) {
        self.name = name
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.capacity = capacity
        self.description = description
    }
}

/// `event.changed`: the fields that changed.
public struct EventChanged: Sendable, Equatable, Codable {
    public var name: FieldChange<String>?
    public var startsAt: FieldChange<Date>?
    public var endsAt: FieldChange<Date?>?
    public var capacity: FieldChange<Int?>?
    public var description: FieldChange<String?>?

    public init(
        name: FieldChange<String>? = nil, startsAt: FieldChange<Date>? = nil, endsAt: FieldChange<Date?>? = nil,
        capacity: FieldChange<Int?>? = nil, description: FieldChange<String?>? = nil
    ) {
        self.name = name
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.capacity = capacity
        self.description = description
    }

    public init(from old: EventCreated, to new: EventCreated) {
        self.init(
            name: .between(old.name, new.name), startsAt: .between(old.startsAt, new.startsAt), endsAt: .between(old.endsAt, new.endsAt),
            capacity: .between(old.capacity, new.capacity), description: .between(old.description, new.description))
    }

    public var isEmpty: Bool { self == EventChanged() }

    enum Fields: String, CodingKey { case name, startsAt = "starts_at", endsAt = "ends_at", capacity, description }

    public init(from decoder: any Decoder) throws {
        let changes = try FieldChangeReader<Fields>(decoder)
        name = try changes.field(.name)
        startsAt = try changes.field(.startsAt)
        endsAt = try changes.field(.endsAt)
        capacity = try changes.field(.capacity)
        description = try changes.field(.description)
    }

    public func encode(to encoder: any Encoder) throws {
        var changes = FieldChangeWriter<Fields>(encoder)
        try changes.field(.name, name)
        try changes.field(.startsAt, startsAt)
        try changes.field(.endsAt, endsAt)
        try changes.field(.capacity, capacity)
        try changes.field(.description, description)
    }
}

/// `event.cancelled`: whether its attendees were texted about it.
public struct EventCancelled: Sendable, Equatable, Codable {
    public var name: String
    public var textAttendees: Bool
    enum CodingKeys: String, CodingKey { case name, textAttendees = "text_attendees" }
    public init(name: String, textAttendees: Bool) {
        self.name = name
        self.textAttendees = textAttendees
    }
}

/// `event.deleted`.
public struct EventDeleted: Sendable, Equatable, Codable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// `booking.created` (seats 0: reminder-only).
public struct BookingCreated: Sendable, Equatable, Codable {
    public var eventId: Int64
    public var eventName: String?
    public var seats: Int
    public var notes: String?
    public var source: BookingSource?
    enum CodingKeys: String, CodingKey { case eventId = "event_id", eventName = "event_name", seats, notes, source }
    public init(eventId: Int64, eventName: String?, seats: Int, notes: String?, source: BookingSource?) {
        self.eventId = eventId
        self.eventName = eventName
        self.seats = seats
        self.notes = notes
        self.source = source
    }
}

/// `booking.changed`: seats or notes, with the event it is for.
public struct BookingChanged: Sendable, Equatable, Codable {
    public var eventId: Int64
    public var eventName: String?
    public var seats: FieldChange<Int>?
    public var notes: FieldChange<String?>?

    public init(eventId: Int64, eventName: String?, seats: FieldChange<Int>? = nil, notes: FieldChange<String?>? = nil) {
        self.eventId = eventId
        self.eventName = eventName
        self.seats = seats
        self.notes = notes
    }

    public var isEmpty: Bool { seats == nil && notes == nil }

    enum Fields: String, CodingKey { case seats, notes }
    enum Keys: String, CodingKey { case eventId = "event_id", eventName = "event_name" }

    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: Keys.self)
        eventId = try keys.decode(Int64.self, forKey: .eventId)
        eventName = try keys.decodeIfPresent(String.self, forKey: .eventName)
        let changes = try FieldChangeReader<Fields>(decoder)
        seats = try changes.field(.seats)
        notes = try changes.field(.notes)
    }

    public func encode(to encoder: any Encoder) throws {
        var keys = encoder.container(keyedBy: Keys.self)
        try keys.encode(eventId, forKey: .eventId)
        try keys.encodeIfPresent(eventName, forKey: .eventName)
        var changes = FieldChangeWriter<Fields>(encoder)
        try changes.field(.seats, seats)
        try changes.field(.notes, notes)
    }
}

/// `booking.cancelled`.
public struct BookingCancelled: Sendable, Equatable, Codable {
    public var eventId: Int64
    public var seats: Int
    enum CodingKeys: String, CodingKey { case eventId = "event_id", seats }
    public init(eventId: Int64, seats: Int) {
        self.eventId = eventId
        self.seats = seats
    }
}

/// `booking.deleted`: by staff (with the status it had) or with its customer (`reason`).
public struct BookingDeleted: Sendable, Equatable, Codable {
    public var eventId: Int64
    public var seats: Int
    public var status: BookingStatus?
    public var reason: String?
    enum CodingKeys: String, CodingKey { case eventId = "event_id", seats, status, reason }
    public init(eventId: Int64, seats: Int, status: BookingStatus? = nil, reason: String? = nil) {
        self.eventId = eventId
        self.seats = seats
        self.status = status
        self.reason = reason
    }
}

/// `consent.granted` and `consent.revoked`: for which purpose, on what grounds.
public struct ConsentChanged: Sendable, Equatable, Codable {
    public var channel: String
    public var purpose: ConsentPurpose
    public var source: ConsentSource
    public var note: String?
    public init(channel: String = "sms", purpose: ConsentPurpose, source: ConsentSource, note: String?) {
        self.channel = channel
        self.purpose = purpose
        self.source = source
        self.note = note
    }
}

/// `staff.added`, `staff.role_changed` (with the role it `was`) and `staff.removed`.
public struct StaffChanged: Sendable, Equatable, Codable {
    public var email: String
    public var role: Role
    public var was: Role?
    public init(email: String, role: Role, was: Role? = nil) {
        self.email = email
        self.role = role
        self.was = was
    }
}

/// `api_key.created`, `api_key.revoked`: which key (its name, access and shown prefix, never the key).
public struct APIKeyChanged: Sendable, Equatable, Codable {
    public var name: String
    public var scope: String
    public var prefix: String
    public init(name: String, scope: String, prefix: String) {
        self.name = name
        self.scope = scope
        self.prefix = prefix
    }
}

/// `template.changed` (with the new wording), `template.reset` (back to the default, no body).
public struct TemplateChanged: Sendable, Equatable, Codable {
    public var name: String
    public var body: String?
    public init(name: String, body: String? = nil) {
        self.name = name
        self.body = body
    }
}
