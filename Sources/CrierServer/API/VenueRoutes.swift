import CrierCore
import CrierPluginKit
import CrierStore
import Hummingbird

/// `/api/v1/venue`: the calling key's venue and its settings.
struct VenueRoutes {
    let store: Store

    func register(on api: DocumentedRoutes) {
        api.get("venue", APIOperation(
            "getVenue", "The key's venue and its settings", tag: "Venue", responses: [.ok(.ref("Venue"), "the venue")])
        ) { _, context in
            JSONResponse(Representation.venue(try context.requireVenue()))
        }
        api.patch("venue", APIOperation(
            "updateVenue", "Change venue settings (a key left out keeps its value)", tag: "Venue",
            body: .json(.ref("VenueChange"), example: ["quiet_hours": ["start": "21:00", "end": "09:00"], "sms_enabled": true]),
            responses: [.ok(.ref("Venue"), "the venue as changed"), .error(409, "the slug is taken")])
        ) { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: ["name", "timezone", "default_region", "quiet_hours", "sms_enabled", "staff_downloads",
                                                                  "message_retention_days"])
            var change = VenueChange(
                name: body.string("name"), timezone: body.string("timezone"), defaultRegion: body.string("default_region"),
                smsEnabled: body.bool("sms_enabled"), staffDownloads: body.bool("staff_downloads"),
                messageRetentionDays: body.int("message_retention_days"))
            switch body.object("quiet_hours") {
            case nil: break
            case .some(nil): change.quietHours = .some(nil)
            case .some(.some(let q)):
                let start = q["start"].flatMap { if case .string(let s) = $0 { LocalTime(s) } else { nil } }
                let end = q["end"].flatMap { if case .string(let s) = $0 { LocalTime(s) } else { nil } }
                if let start, let end, q.count == 2 { change.quietHours = .some(QuietHours(start: start, end: end)) }
                else { body.errors.add("quiet_hours", "must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"} or null") }
            }
            try body.throwIfInvalid()
            let updated = try await change.save(store: store, venueId: venue.id, actor: context.actor)
            return JSONResponse(Representation.venue(updated))
        }
    }
}
