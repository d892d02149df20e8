import Foundation

/// A venue (tenant). Everything else belongs to exactly one venue.
public struct Venue: Sendable, Equatable, Codable {
    public var id: Int64
    /// Short URL-safe name used by the CLI (`default`, `the-crown`).
    public var slug: String
    public var name: String
    /// IANA zone: event times are entered and reminders computed in it.
    public var timezone: String
    /// ISO 3166 region used to read national phone numbers ("GB").
    public var defaultRegion: String
    /// No texts go out in these local hours; nil = none.
    public var quietHours: QuietHours?
    /// The venue's kill switch for all outbound SMS.
    public var smsEnabled: Bool
    /// Whether the staff role may download CSV files (contact lists, timelines, exports); owners,
    /// managers and API keys always may. Off by default: a download is every customer's mobile.
    public var staffDownloads: Bool
    /// Texts' words are kept this many days, then replaced by a marker (status, kind and counts
    /// stay); nil keeps them.
    public var messageRetentionDays: Int?
    public var createdAt: Date

    public init(
        id: Int64, slug: String, name: String, timezone: String, defaultRegion: String,
        quietHours: QuietHours? = .default, smsEnabled: Bool = true, staffDownloads: Bool = false, messageRetentionDays: Int? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.timezone = timezone
        self.defaultRegion = defaultRegion
        self.quietHours = quietHours
        self.smsEnabled = smsEnabled
        self.staffDownloads = staffDownloads
        self.messageRetentionDays = messageRetentionDays
        self.createdAt = createdAt
    }

    /// The venue's zone. Stored zones were validated when written, so this falls back only if the
    /// machine's zone database later lost a name.
    public var timeZone: TimeZone { TimeZone(identifier: timezone) ?? TimeZone(identifier: "UTC")! }
}

/// The validated, user-settable part of a venue.
public struct VenueSettings: Sendable, Equatable {
    public var slug: String
    public var name: String
    public var timezone: String
    public var defaultRegion: String
    public var quietHours: QuietHours?
    public var smsEnabled: Bool
    public var staffDownloads: Bool
    public var messageRetentionDays: Int?

    public init(
        slug: String, name: String, timezone: String, defaultRegion: String, quietHours: QuietHours?, smsEnabled: Bool,
        staffDownloads: Bool = false, messageRetentionDays: Int? = nil
    ) {
        self.slug = slug
        self.name = name
        self.timezone = timezone
        self.defaultRegion = defaultRegion
        self.quietHours = quietHours
        self.smsEnabled = smsEnabled
        self.staffDownloads = staffDownloads
        self.messageRetentionDays = messageRetentionDays
    }

    /// The longest retention accepted: ten years.
    public static let maximumRetentionDays = 3650

    /// Checks every field and reports all problems at once.
    public static func validate(
        slug: String?, name: String?, timezone: String?, defaultRegion: String?,
        quietHours: QuietHours? = .default, smsEnabled: Bool = true, staffDownloads: Bool = false, messageRetentionDays: Int? = nil
    ) throws(FieldErrors) -> VenueSettings {
        var errors = FieldErrors()
        let slug = Text.required(slug, field: "slug", max: 40, errors: &errors)?.lowercased()
        if let slug, !slug.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" }) {
            errors.add("slug", "may contain only letters, digits and hyphens")
        }
        let name = Text.required(name, field: "name", max: 100, errors: &errors)
        let timezone = Text.required(timezone, field: "timezone", max: 64, errors: &errors)
        if let timezone, TimeZone(identifier: timezone) == nil || !timezone.contains("/") && timezone != "UTC" {
            errors.add("timezone", "is not an IANA time zone such as Europe/London")
        }
        let region = Text.required(defaultRegion, field: "default_region", max: 2, errors: &errors)?.uppercased()
        if let region, NumberingPlans.plan(region: region) == nil {
            errors.add("default_region", "must be an ISO 3166 region with a numbering plan, such as GB, US or CH")
        }
        if let days = messageRetentionDays, !(1...maximumRetentionDays).contains(days) {
            errors.add("message_retention_days", "must be between 1 and \(maximumRetentionDays) days, or empty to keep texts' words")
        }
        try errors.throwIfAny()
        return VenueSettings(
            slug: slug!, name: name!, timezone: timezone!, defaultRegion: region!, quietHours: quietHours,
            smsEnabled: smsEnabled, staffDownloads: staffDownloads, messageRetentionDays: messageRetentionDays)
    }
}

/// A local wall-clock time of day, minute precision ("21:00").
public struct LocalTime: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// Minutes after local midnight, 0..<1440.
    public let minutes: Int

    public init?(hour: Int, minute: Int) {
        guard (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        minutes = hour * 60 + minute
    }

    /// Parses "HH:MM" (24-hour).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let h = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(hour: h, minute: m)
    }

    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.minutes < b.minutes }
}

/// Local hours in which no text is sent. `start` after `end` wraps past midnight (21:00-09:00).
public struct QuietHours: Sendable, Hashable, Codable {
    public var start: LocalTime
    public var end: LocalTime

    public init(start: LocalTime, end: LocalTime) {
        self.start = start
        self.end = end
    }

    /// 21:00-09:00 local, the default for a new venue.
    public static let `default` = QuietHours(start: LocalTime(hour: 21, minute: 0)!, end: LocalTime(hour: 9, minute: 0)!)

    /// Whether a local time of day falls inside the quiet hours.
    public func contains(_ time: LocalTime) -> Bool {
        if start == end { return false }
        return start < end ? (time >= start && time < end) : (time >= start || time < end)
    }
}
