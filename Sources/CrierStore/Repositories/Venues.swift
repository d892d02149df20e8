import CrierCore
import Foundation
import SQLKit

/// Venues: create, read, change settings. Every other query is scoped by a venue's id.
public struct Venues: Sendable {
    let store: Store

    static let columns = "id, slug, name, timezone, default_region, quiet_start, quiet_end, sms_enabled, staff_downloads, message_retention_days, created_at"

    /// Creates a venue; a taken slug is a 409.
    public func create(_ settings: VenueSettings, actor: Actor) async throws -> Venue {
        let now = store.clock.now()
        do {
            return try await store.engine.transaction { db in
                if try await db.raw("SELECT id FROM venues WHERE slug = \(bind: settings.slug)").first() != nil {
                    throw Self.slugTaken(settings.slug)
                }
                let id = try await db.insertReturningID("""
                    INSERT INTO venues (slug, name, timezone, default_region, quiet_start, quiet_end, sms_enabled,
                                        staff_downloads, message_retention_days, created_at, updated_at)
                    VALUES (\(bind: settings.slug), \(bind: settings.name), \(bind: settings.timezone),
                            \(bind: settings.defaultRegion), \(bind: settings.quietHours?.start.description),
                            \(bind: settings.quietHours?.end.description), \(bind: settings.smsEnabled),
                            \(bind: settings.staffDownloads), \(bind: settings.messageRetentionDays), \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
                    """)
                let venue = Venue(
                    id: id, slug: settings.slug, name: settings.name, timezone: settings.timezone,
                    defaultRegion: settings.defaultRegion, quietHours: settings.quietHours,
                    smsEnabled: settings.smsEnabled, staffDownloads: settings.staffDownloads,
                    messageRetentionDays: settings.messageRetentionDays, createdAt: now)
                try await JournalWriter(db: db, actor: actor, at: now).append(
                    venueId: id, customerId: nil, subjectId: id,
                    .venueCreated(VenueCreated(slug: venue.slug, name: venue.name, timezone: venue.timezone)))
                return venue
            }
        } catch let error where store.engine.isUniqueViolation(error) {
            throw Self.slugTaken(settings.slug)
        }
    }

    static func slugTaken(_ slug: String) -> CrierError {
        .conflict(code: "slug_taken", message: "a venue with slug '\(slug)' already exists", fields: ["slug": "is taken"])
    }

    /// Creates the venue `default` when the install has none; returns it and whether it was new.
    public func ensureDefault(timezone: String, region: String) async throws -> (venue: Venue, created: Bool) {
        if let first = try await all().first { return (first, false) }
        let settings: VenueSettings
        do {
            settings = try VenueSettings.validate(slug: "default", name: "My venue", timezone: timezone, defaultRegion: region)
        } catch {
            throw CrierError.invalid(error)
        }
        do {
            return (try await create(settings, actor: .system), true)
        } catch CrierError.conflict {
            // Another instance created it first.
            return (try await bySlug("default")!, false)
        }
    }

    public func all() async throws -> [Venue] {
        try await store.engine.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM venues ORDER BY id").all().map(Self.decode)
        }
    }

    public func bySlug(_ slug: String) async throws -> Venue? {
        try await store.engine.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM venues WHERE slug = \(bind: slug.lowercased())")
                .first().map(Self.decode)
        }
    }

    public func byID(_ id: Int64) async throws -> Venue? {
        try await store.engine.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM venues WHERE id = \(bind: id)").first().map(Self.decode)
        }
    }

    /// Applies `change` to the venue's current settings, validates and saves, journaling what changed.
    public func update(
        id: Int64, actor: Actor, change: @escaping @Sendable (VenueSettings) throws(CrierError) -> VenueSettings
    ) async throws -> Venue {
        let now = store.clock.now()
        return try await store.engine.transaction { db in try await Self.update(db, id: id, actor: actor, now: now, change: change) }
    }

    /// `update` inside a caller's transaction.
    static func update(
        _ db: any SQLDatabase, id: Int64, actor: Actor, now: Date, change: (VenueSettings) throws(CrierError) -> VenueSettings
    ) async throws -> Venue {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM venues WHERE id = \(bind: id)").first()
        else { throw CrierError.notFound("venue") }
        let old = try Self.decode(row)
        let current = VenueSettings(
            slug: old.slug, name: old.name, timezone: old.timezone, defaultRegion: old.defaultRegion,
            quietHours: old.quietHours, smsEnabled: old.smsEnabled, staffDownloads: old.staffDownloads,
            messageRetentionDays: old.messageRetentionDays)
        let new = try change(current)
        try await db.raw("""
            UPDATE venues SET name = \(bind: new.name), timezone = \(bind: new.timezone),
                default_region = \(bind: new.defaultRegion), quiet_start = \(bind: new.quietHours?.start.description),
                quiet_end = \(bind: new.quietHours?.end.description), sms_enabled = \(bind: new.smsEnabled),
                staff_downloads = \(bind: new.staffDownloads), message_retention_days = \(bind: new.messageRetentionDays), updated_at = \(bind: now.millisecondsSince1970)
            WHERE id = \(bind: id)
            """).run()
        let changes = Self.changes(current, new)
        if !changes.isEmpty {
            try await JournalWriter(db: db, actor: actor, at: now).append(venueId: id, customerId: nil, subjectId: id, .venueChanged(changes))
        }
        var venue = old
        venue.name = new.name
        venue.timezone = new.timezone
        venue.defaultRegion = new.defaultRegion
        venue.quietHours = new.quietHours
        venue.smsEnabled = new.smsEnabled
        venue.staffDownloads = new.staffDownloads
        venue.messageRetentionDays = new.messageRetentionDays
        return venue
    }

    /// The venue's SMS provider plugin id and its settings (secrets included: never return them raw).
    public func provider(venueId: Int64) async throws -> (id: String, settings: [String: String]) {
        try await store.engine.read { db in
            guard let row = try await db.raw("SELECT provider, provider_settings FROM venues WHERE id = \(bind: venueId)").first()
            else { throw CrierError.notFound("venue") }
            let text = try row.decode(column: "provider_settings", as: String.self)
            return (try row.decode(column: "provider", as: String.self), try SealedSettings.open(text, venueId: venueId, keyring: store.keyring))
        }
    }

    /// Switches the venue's provider and settings (validated by the caller against the provider plugin).
    /// Sets the venue's provider and its settings. `addresses` are the numbers and sender ids the
    /// provider's webhooks will name (its `To`), so they find this venue; each belongs to one venue.
    public func setProvider(venueId: Int64, id: String, settings: [String: String], addresses: [String] = [], actor: Actor) async throws {
        let now = store.clock.now()
        let text = try SealedSettings.seal(settings, venueId: venueId, keyring: store.keyring)
        try await store.engine.transaction { db in
            try await db.raw("""
                UPDATE venues SET provider = \(bind: id), provider_settings = \(bind: text), updated_at = \(bind: now.millisecondsSince1970)
                WHERE id = \(bind: venueId)
                """).run()
            try await db.raw("DELETE FROM provider_addresses WHERE venue_id = \(bind: venueId)").run()
            for address in Set(addresses) {
                let taken = try await db.raw("""
                    INSERT INTO provider_addresses (provider, address, venue_id) VALUES (\(bind: id), \(bind: address), \(bind: venueId))
                    ON CONFLICT (provider, address) DO NOTHING RETURNING venue_id
                    """).all().isEmpty
                if taken {
                    throw CrierError.conflict(
                        code: "address_taken", message: "\(address) already belongs to another venue", fields: ["settings": "\(address) is another venue's"])
                }
            }
            // The journal records which settings changed, never their values.
            try await JournalWriter(db: db, actor: actor, at: now).append(
                venueId: venueId, customerId: nil, subjectId: venueId,
                .venueChanged(VenueChanged(provider: id, settingsSet: settings.keys.sorted())))
        }
    }

    /// The venue whose provider settings name `address` (the first of `addresses` that one does), with
    /// those settings: how a webhook request finds whose secret verifies it.
    public func forAddress(provider: String, _ addresses: [String]) async throws -> (venue: Venue, settings: [String: String])? {
        guard !addresses.isEmpty else { return nil }
        return try await store.engine.read { db in
            let rows = try await db.raw("""
                SELECT a.address, \(unsafeRaw: Self.columns.split(separator: ",").map { "v." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                       v.provider_settings
                FROM provider_addresses a JOIN venues v ON v.id = a.venue_id
                WHERE a.provider = \(bind: provider) AND a.address IN (\(binds: addresses)) AND v.provider = \(bind: provider)
                """).all()
            for address in addresses {
                guard let row = try rows.first(where: { try $0.decode(column: "address", as: String.self) == address }) else { continue }
                let text = try row.decode(column: "provider_settings", as: String.self)
                let venue = try Self.decode(row)
                return (venue, try SealedSettings.open(text, venueId: venue.id, keyring: store.keyring))
            }
            return nil
        }
    }

    static func changes(_ old: VenueSettings, _ new: VenueSettings) -> VenueChanged {
        func hours(_ s: VenueSettings) -> JournalQuietHours? {
            s.quietHours.map { JournalQuietHours(start: $0.start.description, end: $0.end.description) }
        }
        return VenueChanged(
            name: .between(old.name, new.name), timezone: .between(old.timezone, new.timezone),
            defaultRegion: .between(old.defaultRegion, new.defaultRegion), quietHours: .between(hours(old), hours(new)),
            smsEnabled: .between(old.smsEnabled, new.smsEnabled), staffDownloads: .between(old.staffDownloads, new.staffDownloads),
            messageRetentionDays: .between(old.messageRetentionDays, new.messageRetentionDays))
    }

    static func decode(_ row: any SQLRow) throws -> Venue {
        let start = try row.decodeNil(column: "quiet_start") ? nil : LocalTime(try row.decode(column: "quiet_start", as: String.self))
        let end = try row.decodeNil(column: "quiet_end") ? nil : LocalTime(try row.decode(column: "quiet_end", as: String.self))
        return Venue(
            id: try row.decode(column: "id", as: Int64.self),
            slug: try row.decode(column: "slug", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            timezone: try row.decode(column: "timezone", as: String.self),
            defaultRegion: try row.decode(column: "default_region", as: String.self),
            quietHours: start.flatMap { s in end.map { QuietHours(start: s, end: $0) } },
            smsEnabled: try row.decode(column: "sms_enabled", as: Bool.self),
            staffDownloads: try row.decode(column: "staff_downloads", as: Bool.self),
            messageRetentionDays: try row.decode(column: "message_retention_days", as: Int?.self),
            createdAt: Date(millisecondsSince1970: try row.decode(column: "created_at", as: Int64.self)))
    }
}
