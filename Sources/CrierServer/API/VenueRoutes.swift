import CrierCore
import CrierStore
import Hummingbird

/// `/api/v1/venue`: the calling key's venue and its settings.
struct VenueRoutes {
    let store: Store

    func register(on api: RouterGroup<CrierRequestContext>) {
        api.get("venue") { _, context in
            JSONResponse(Representation.venue(try context.requireVenue()))
        }
        api.patch("venue") { request, context in
            let venue = try context.requireVenue()
            var body = try await JSONBody.read(request, allowed: ["name", "timezone", "default_region", "quiet_hours", "sms_enabled"])
            let name = body.string("name"), timezone = body.string("timezone"), region = body.string("default_region")
            let sms = body.bool("sms_enabled")
            var quiet: QuietHours??
            switch body.object("quiet_hours") {
            case nil: quiet = nil
            case .some(nil): quiet = .some(nil)
            case .some(.some(let q)):
                let start = q["start"].flatMap { if case .string(let s) = $0 { LocalTime(s) } else { nil } }
                let end = q["end"].flatMap { if case .string(let s) = $0 { LocalTime(s) } else { nil } }
                if let start, let end, q.count == 2 { quiet = .some(QuietHours(start: start, end: end)) }
                else { body.errors.add("quiet_hours", "must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"} or null") }
            }
            try body.throwIfInvalid()
            let quietHours = quiet
            let updated = try await store.venues.update(id: venue.id, actor: context.actor) { current throws(CrierError) in
                do throws(FieldErrors) {
                    return try VenueSettings.validate(
                        slug: current.slug, name: name.map { $0 ?? "" } ?? current.name,
                        timezone: timezone.map { $0 ?? "" } ?? current.timezone,
                        defaultRegion: region.map { $0 ?? "" } ?? current.defaultRegion,
                        quietHours: quietHours ?? current.quietHours, smsEnabled: sms ?? current.smsEnabled)
                } catch { throw .invalid(error) }
            }
            return JSONResponse(Representation.venue(updated))
        }
    }
}
