import CrierCore
import CrierStore

/// A change to a venue's settings, from the API's JSON or the settings form: only the fields given
/// change, and the result is checked by `VenueSettings.validate` before it is saved.
struct VenueChange: Sendable {
    /// Each is nil when not given; `.some(nil)` clears (and then fails as required where it is).
    var name: String??
    var timezone: String??
    var defaultRegion: String??
    var quietHours: QuietHours??
    var smsEnabled: Bool?
    var staffDownloads: Bool?
    var messageRetentionDays: Int??

    /// Reads "HH:MM" start and end; both blank means no quiet hours. Problems go under `quiet_hours`.
    static func quietHours(start: String?, end: String?, errors: inout FieldErrors) -> QuietHours?? {
        let start = start?.trimmingCharacters(in: .whitespaces) ?? "", end = end?.trimmingCharacters(in: .whitespaces) ?? ""
        if start.isEmpty, end.isEmpty { return .some(nil) }
        guard let from = LocalTime(start), let to = LocalTime(end) else {
            errors.add("quiet_hours", "needs a start and an end as HH:MM (24-hour), or neither for no quiet hours")
            return nil
        }
        guard from != to else {
            errors.add("quiet_hours", "start and end are the same; leave both empty for no quiet hours")
            return nil
        }
        return .some(QuietHours(start: from, end: to))
    }

    /// Saves the change in one transaction, journaled; every invalid field is reported at once,
    /// with `problems` the caller found reading its input (then nothing is saved).
    /// Turning sending off returns only once no provider call made before it is still under way.
    func save(store: Store, venueId: Int64, actor: Actor, problems: FieldErrors = FieldErrors()) async throws -> Venue {
        let venue = try await store.venues.update(id: venueId, actor: actor) { current throws(CrierError) in
            var errors = problems
            do throws(FieldErrors) {
                let settings = try VenueSettings.validate(
                    slug: current.slug, name: name.map { $0 ?? "" } ?? current.name,
                    timezone: timezone.map { $0 ?? "" } ?? current.timezone,
                    defaultRegion: defaultRegion.map { $0 ?? "" } ?? current.defaultRegion,
                    quietHours: quietHours ?? current.quietHours, smsEnabled: smsEnabled ?? current.smsEnabled,
                    staffDownloads: staffDownloads ?? current.staffDownloads,
                    messageRetentionDays: messageRetentionDays ?? current.messageRetentionDays)
                if errors.isEmpty { return settings }
            } catch { for (field, message) in error.fields { errors.add(field, message) } }
            throw .invalid(errors)
        }
        if smsEnabled == false { await store.dispatch.waitForCallsInFlight(venueId: venueId, deadline: 10) }
        return venue
    }
}
