import CrierCore
import CrierStore
import Foundation
import Synchronization

/// What a webhook request needs to know about its venue (who owns the number, the provider's
/// secrets, the venue's acknowledgement wording), kept for a moment so a busy number doesn't read
/// the same rows for every request. A change made on another instance shows within `ttl`; changes
/// made here clear the cache at once. Misses are never kept: a number just set up works at once.
final class WebhookDirectory: Sendable {
    struct Entry: Sendable {
        var venue: Venue
        var settings: [String: String]
        var templates: [String: String]
        var expires: Date
    }

    let store: Store
    let ttl: TimeInterval
    private let entries = Mutex<[String: Entry]>([:])

    init(store: Store, ttl: TimeInterval = 1) {
        self.store = store
        self.ttl = ttl
    }

    /// The venue using one of `addresses` with `provider`, its settings and template overrides.
    func venue(provider: String, addresses: [String]) async throws -> Entry? {
        // Wall-clock time: the test clock may stand still while settings change.
        let now = Date()
        let key = provider + "\u{0}" + addresses.joined(separator: "\u{0}")
        if let hit = entries.withLock({ $0[key] }), hit.expires > now { return hit }
        guard let found = try await store.venues.forAddress(provider: provider, addresses) else { return nil }
        let entry = Entry(
            venue: found.venue, settings: found.settings, templates: try await store.templates.overrides(venueId: found.venue.id),
            expires: now.addingTimeInterval(ttl))
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[key] = entry
        }
        return entry
    }

    /// Forgets everything (a venue's provider settings or templates changed here).
    func clear() { entries.withLock { $0.removeAll() } }
}
