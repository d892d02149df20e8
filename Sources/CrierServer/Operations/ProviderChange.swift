import CrierCore
import CrierPluginKit
import CrierStore

/// Choosing a venue's SMS provider and its settings, from the API or the settings form. Secrets are
/// write-only: left out, empty, or sent back masked ("…1234"), they keep their stored value while
/// the provider stays the same. Problems are reported as `provider` or `settings.{key}`.
struct ProviderChange: Sendable {
    let store: Store
    let providers: [any SMSProvider]
    /// Called after a change (webhooks forget the venues they cached).
    var changed: @Sendable () -> Void = {}

    /// Saves `settings` (nil values clear a setting) for provider `id`.
    func save(venueId: Int64, id: String?, settings given: [String: String?], actor: Actor) async throws {
        guard let id, let provider = providers.first(where: { $0.id == id }) else {
            throw CrierError.invalid(FieldErrors("provider", "must be one of " + providers.map(\.id).joined(separator: ", ")))
        }
        var errors = FieldErrors()
        var settings: [String: String] = [:]
        for (key, value) in given {
            guard provider.settingKeys.all.contains(key) else {
                errors.add("settings.\(key)", "is not a \(id) setting (known: \(provider.settingKeys.all.sorted().joined(separator: ", ")))")
                continue
            }
            if let value, !value.isEmpty { settings[key] = value }
        }
        let old = try await readable(venueId: venueId)
        if old.id == id {
            for key in provider.settingKeys.secret where settings[key] == nil || settings[key]!.hasPrefix("…") {
                settings[key] = old.settings[key]
            }
        }
        for (key, problem) in provider.validate(ProviderSettings(settings)) { errors.add("settings.\(key)", problem) }
        if !errors.isEmpty { throw CrierError.invalid(errors) }
        try await store.venues.setProvider(
            venueId: venueId, id: id, settings: settings, addresses: provider.addresses(ProviderSettings(settings)), actor: actor)
        changed()
    }

    /// The venue's provider and its settings with secrets masked.
    func current(venueId: Int64) async throws -> (id: String, settings: [String: String]) {
        let (id, settings) = try await readable(venueId: venueId)
        return (id, providers.first { $0.id == id }?.masked(ProviderSettings(settings)) ?? [:])
    }

    /// The stored provider and settings; settings sealed with a key this server lacks read as none,
    /// so they can be entered again (every secret then has to be).
    func readable(venueId: Int64) async throws -> (id: String, settings: [String: String]) {
        do {
            return try await store.venues.provider(venueId: venueId)
        } catch is KeyringError {
            return ("", [:])
        }
    }
}
