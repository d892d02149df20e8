import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `GET|PUT /api/v1/venue/provider`: which SMS provider the venue sends through, with its
/// settings. Secrets are write-only: shown back masked, and kept when a PUT leaves them out.
struct ProviderRoutes {
    let store: Store
    let providers: [any SMSProvider]
    /// Called after a venue's provider settings change (webhooks forget what they cached).
    var changed: @Sendable () -> Void = {}

    func register(on api: RouterGroup<CrierRequestContext>) {
        api.get("venue/provider") { _, context in
            let venue = try context.requireVenue()
            return JSONResponse(try await current(venue))
        }
        api.put("venue/provider") { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: ["provider", "settings"])
            let id = body.string("provider") ?? nil
            let given = body.object("settings") ?? nil
            try body.throwIfInvalid()
            guard let id, let provider = providers.first(where: { $0.id == id }) else {
                throw APIError.invalid(FieldErrors("provider", "must be one of " + providers.map(\.id).joined(separator: ", ")))
            }
            var errors = FieldErrors()
            var settings: [String: String] = [:]
            for (key, value) in given ?? [:] {
                guard provider.settingKeys.all.contains(key) else {
                    errors.add("settings.\(key)", "is not a \(id) setting (known: \(provider.settingKeys.all.sorted().joined(separator: ", ")))")
                    continue
                }
                switch value {
                case .string(let text) where !text.isEmpty: settings[key] = text
                case .null, .string: break
                default: errors.add("settings.\(key)", "must be a string")
                }
            }
            // Secrets left out (or sent back masked) keep their stored value when the provider stays.
            let old = try await store.venues.provider(venueId: venue.id)
            if old.id == id {
                for key in provider.settingKeys.secret where settings[key] == nil || settings[key]!.hasPrefix("…") {
                    settings[key] = old.settings[key]
                }
            }
            for (key, problem) in provider.validate(ProviderSettings(settings)) { errors.add("settings.\(key)", problem) }
            if !errors.isEmpty { throw APIError.invalid(errors) }
            try await store.venues.setProvider(
                venueId: venue.id, id: id, settings: settings, addresses: provider.addresses(ProviderSettings(settings)), actor: context.actor)
            changed()
            return JSONResponse(try await current(venue))
        }
    }

    func current(_ venue: Venue) async throws -> JSONValue {
        let (id, settings) = try await store.venues.provider(venueId: venue.id)
        let shown = providers.first { $0.id == id }?.masked(ProviderSettings(settings)) ?? [:]
        return ["provider": .string(id), "settings": .object(shown.mapValues(JSONValue.string))]
    }
}
