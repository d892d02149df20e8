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

    var change: ProviderChange { ProviderChange(store: store, providers: providers, changed: changed) }

    func register(on api: DocumentedRoutes) {
        api.get("venue/provider", APIOperation(
            "getProvider", "The venue's SMS provider, secrets masked", tag: "Venue", responses: [.ok(.ref("Provider"), "the provider")])
        ) { _, context in
            let venue = try context.requireVenue()
            return JSONResponse(try await current(venue))
        }
        api.put("venue/provider", APIOperation(
            "setProvider", "Set the SMS provider and its settings (secrets write-only: left out, they are kept)", tag: "Venue",
            body: .json(.ref("Provider"), example: ["provider": "console", "settings": [:]]),
            responses: [.ok(.ref("Provider"), "the provider as set"), .error(409, "address_taken: another venue sends from this number")])
        ) { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: ["provider", "settings"])
            let id = body.string("provider") ?? nil
            let given = body.object("settings") ?? nil
            try body.throwIfInvalid()
            var errors = FieldErrors()
            var settings: [String: String?] = [:]
            for (key, value) in given ?? [:] {
                switch value {
                case .string(let text): settings[key] = text
                case .null: settings[key] = .some(nil)
                default: errors.add("settings.\(key)", "must be a string")
                }
            }
            if !errors.isEmpty { throw APIError.invalid(errors) }
            try await change.save(venueId: venue.id, id: id, settings: settings, actor: context.actor)
            return JSONResponse(try await current(venue))
        }
    }

    func current(_ venue: Venue) async throws -> JSONValue {
        let (id, shown) = try await change.current(venueId: venue.id)
        return ["provider": .string(id), "settings": .object(shown.mapValues(JSONValue.string))]
    }
}
