import CrierCore
import CrierStore
import Foundation

/// How domain values look in the JSON API (snake_case; instants as RFC 3339; event times in the
/// venue's offset, everything else in UTC).
enum Representation {
    static func instant(_ date: Date) -> JSONValue { .string(EventTime.rfc3339(date, in: utc)) }
    static func instant(_ date: Date?) -> JSONValue { date.map(instant) ?? .null }
    static let utc = TimeZone(identifier: "UTC")!

    static func id(_ id: Int64) -> JSONValue { .number(Double(id)) }

    static func erasure(_ r: ErasureReport) -> JSONValue {
        ["customer_id": .number(Double(r.customerId)), "bookings_deleted": .number(Double(r.bookingsDeleted)),
         "texts_scrubbed": .number(Double(r.textsScrubbed)), "entries_scrubbed": .number(Double(r.entriesScrubbed)),
         "opt_out_kept": .bool(r.optOutKept)]
    }

    static func venue(_ v: Venue) -> JSONValue {
        ["id": id(v.id), "slug": .string(v.slug), "name": .string(v.name), "timezone": .string(v.timezone),
         "default_region": .string(v.defaultRegion),
         "quiet_hours": v.quietHours.map { ["start": .string($0.start.description), "end": .string($0.end.description)] } ?? .null,
         "sms_enabled": .bool(v.smsEnabled), "staff_downloads": .bool(v.staffDownloads),
         "message_retention_days": v.messageRetentionDays.map { .number(Double($0)) } ?? .null, "created_at": instant(v.createdAt)]
    }

    static func customer(_ c: Customer) -> JSONValue {
        ["id": id(c.id), "first_name": .string(c.firstName), "last_name": .string(c.lastName),
         "mobile": .string(c.mobile.e164), "email": .from(c.email), "notes": .from(c.notes),
         "created_at": instant(c.createdAt), "updated_at": instant(c.updatedAt)]
    }

    static func event(_ s: EventSummary, zone: TimeZone) -> JSONValue {
        let e = s.event
        return ["id": id(e.id), "name": .string(e.name),
                "starts_at": .string(EventTime.rfc3339(e.startsAt, in: zone)),
                "starts_at_local": .string(EventTime.local(e.startsAt, in: zone)),
                "ends_at": e.endsAt.map { .string(EventTime.rfc3339($0, in: zone)) } ?? .null,
                "capacity": .from(e.capacity), "status": .string(e.status.rawValue), "description": .from(e.description),
                "seats_booked": .from(s.seatsBooked), "seats_left": .from(s.seatsLeft),
                "bookings": ["seated": .from(s.seatedBookings), "reminder_only": .from(s.reminderOnlyBookings)],
                "created_at": instant(e.createdAt), "updated_at": instant(e.updatedAt)]
    }

    static func booking(_ b: Booking) -> JSONValue {
        ["id": id(b.id), "customer_id": id(b.customerId), "event_id": id(b.eventId), "seats": .from(b.seats),
         "reminder_only": .bool(b.isReminderOnly), "notes": .from(b.notes), "status": .string(b.status.rawValue),
         "source": .string(b.source.rawValue), "created_at": instant(b.createdAt), "updated_at": instant(b.updatedAt),
         "cancelled_at": instant(b.cancelledAt)]
    }

    static func journal(_ j: JournalEntry) -> JSONValue {
        ["id": id(j.id), "kind": .string(j.kind), "subject_type": .string(j.subjectType), "subject_id": id(j.subjectId),
         "customer_id": j.customerId.map(id) ?? .null, "data": j.data, "actor": .string(j.actor),
         "created_at": instant(j.createdAt)]
    }

    static func consent(_ state: ConsentState, history: [ConsentChange]) -> JSONValue {
        ["sms": ["transactional": .bool(state.transactional), "marketing": .bool(state.marketing)],
         "history": .array(history.reversed().map { c in
             ["purpose": .string(c.purpose.rawValue), "granted": .bool(c.granted), "source": .string(c.source.rawValue),
              "note": .from(c.note), "changed_at": instant(c.changedAt)]
         })]
    }

    static func message(_ m: Message) -> JSONValue {
        ["id": id(m.id), "direction": .string(m.direction.rawValue), "kind": .string(m.kind.rawValue),
         "status": .string(m.status.rawValue), "reason": .from(m.reason), "to": .string(m.to), "from": .from(m.from),
         "body": .from(m.body), "segments": .from(m.segments), "encoding": .from(m.encoding?.rawValue),
         "customer_id": m.customerId.map(id) ?? .null, "booking_id": m.bookingId.map(id) ?? .null,
         "event_id": m.eventId.map(id) ?? .null, "scheduled_for": instant(m.scheduledFor), "deadline": instant(m.deadline),
         "attempts": .from(m.attempts), "sent_at": instant(m.sentAt),
         // Whether any attempt reached the provider: a text never handed off was certainly not sent.
         "handed_off_at": instant(m.handedOffAt), "reached_provider": .bool(m.handedOffAt != nil),
         "provider_message_id": .from(m.providerMessageId),
         "error_code": .from(m.errorCode), "created_at": instant(m.createdAt), "updated_at": instant(m.updatedAt)]
    }

    static func attempt(_ a: MessageAttempt) -> JSONValue {
        ["attempt": .from(a.attempt), "started_at": instant(a.startedAt), "finished_at": instant(a.finishedAt),
         "outcome": .string(a.outcome), "error_code": .from(a.errorCode), "detail": .from(a.detail)]
    }

    static func page<T>(_ page: Page<T>, _ item: (T) -> JSONValue) -> JSONValue {
        ["items": .array(page.items.map(item)), "next_cursor": .from(page.nextCursor)]
    }
}
