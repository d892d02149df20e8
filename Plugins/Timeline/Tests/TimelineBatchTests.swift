import CrierPluginKit
import Foundation
import Testing

@testable import Timeline

/// What the timeline makes of a history, entry by entry: each case is a history, what was stored
/// before it, and the writes it must give.
struct TimelineBatchTests {
    /// An entry as the store writes it: its kind and stored JSON, read back through the journal's codec.
    static func entry(_ id: Int64, _ kind: JournalKind, customer: Int64? = 1, subject: Int64 = 10, type: String = "booking", _ data: JSONValue = [:])
        -> JournalEntry
    {
        JournalEntry(
            id: id, venueId: 7, customerId: customer, event: JournalCodec.shared.decode(kind: kind.rawValue, data: data.jsonText), subjectType: type,
            subjectId: subject, dataText: data.jsonText, actor: "staff:2", createdAt: Date(timeIntervalSince1970: Double(id) * 60))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var storedTexts: Set<Int64> = []
        var events: [Int64: String] = [:]
        var receivedAt: [Int64: Int64] = [:]
        var entries: [JournalEntry]
        /// The new items as "entry:kind:customer:sentence:status".
        var items: [String]
        var statusUpdates: [Int64: TimelineBatch.Status] = [:]
        var movedReplies: Set<Int64> = []
        var deletedCustomers: Set<Int64> = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a booking made, changed, cancelled and deleted, the event named by an earlier batch", events: [5: "Jazz Night"], entries: [
            entry(1, .bookingCreated, ["event_id": 5, "event_name": "Jazz Night", "seats": 2, "source": "staff"]),
            entry(2, .bookingChanged, ["event_id": 5, "event_name": "Jazz Night", "changed": ["seats": 4], "previous": ["seats": 2]]),
            entry(3, .bookingChanged, ["event_id": 5, "event_name": "Jazz Night", "changed": ["notes": "window"], "previous": ["notes": nil]]),
            entry(4, .bookingCancelled, ["event_id": 5, "seats": 4]),
            entry(5, .bookingDeleted, ["event_id": 5, "seats": 4]),
        ], items: [
            "1:booking_made:1:Booked 2 seats for Jazz Night (by staff):",
            "2:booking_changed:1:Booking for Jazz Night changed: seats 2 → 4:",
            "3:booking_changed:1:Booking for Jazz Night changed: notes changed:",
            "4:booking_cancelled:1:Booking for Jazz Night cancelled:",
            "5:booking_deleted:1:Booking for Jazz Night deleted:",
        ]),
        Case(name: "a reminder-only booking, its event created and renamed in the same batch", entries: [
            entry(1, .eventCreated, customer: nil, subject: 5, type: "event", ["name": "Quiz", "starts_at": "2026-12-24T19:00:00+00:00"]),
            entry(2, .bookingCreated, ["event_id": 5, "event_name": "Quiz", "seats": 0, "source": "api"]),
            entry(3, .eventChanged, customer: nil, subject: 5, type: "event", ["changed": ["name": "Pub Quiz"], "previous": ["name": "Quiz"]]),
            entry(4, .bookingCancelled, ["event_id": 5, "seats": 0]),
        ], items: [
            "2:booking_made:1:Reminder-only booking for Quiz (through the API):",
            "4:booking_cancelled:1:Booking for Pub Quiz cancelled:",
        ]),
        Case(name: "a text sent then delivered in one batch is one item", entries: [
            entry(1, .messageSent, subject: 20, type: "message", ["kind": "confirmation"]),
            entry(2, .messageDelivered, subject: 20, type: "message", ["kind": "confirmation"]),
        ], items: ["1:text_out:1:Text sent: booking confirmation:delivered"]),
        Case(name: "a text stored earlier: its reports are updates, the last one wins, its error code kept", storedTexts: [20], entries: [
            entry(1, .messageUndelivered, subject: 20, type: "message", ["kind": "reminder_24h", "error_code": "30003"]),
            entry(2, .messageFailed, subject: 20, type: "message", ["kind": "reminder_24h"]),
        ], items: [], statusUpdates: [20: TimelineBatch.Status(status: "failed", errorCode: "30003")]),
        Case(name: "a text the provider refused is an item though it was never sent", entries: [
            entry(1, .messageFailed, subject: 20, type: "message", ["kind": "reminder_7d", "error_code": "21211"]),
        ], items: ["1:text_out:1:Text sent: 7-day reminder:failed"]),
        Case(name: "texts to no customer (a keyword answer to a stranger) and queued texts make no item", entries: [
            entry(1, .messageSent, customer: nil, subject: 20, type: "message", ["kind": "opt_out_ack"]),
            entry(2, .messageQueued, subject: 21, type: "message", ["kind": "reminder_24h"]),
            entry(3, .messageSuppressed, subject: 22, type: "message", ["kind": "reminder_24h"]),
        ], items: []),
        Case(name: "a STOP reply and the opt-out it causes, then START", entries: [
            entry(1, .messageReceived, subject: 30, type: "message", ["keyword": "opt_out"]),
            entry(2, .consentRevoked, subject: 1, type: "customer", ["channel": "sms", "purpose": "transactional", "source": "stop_reply"]),
            entry(3, .consentGranted, subject: 1, type: "customer", ["channel": "sms", "purpose": "transactional", "source": "start_reply"]),
            entry(4, .consentRevoked, subject: 1, type: "customer", ["channel": "sms", "purpose": "marketing", "source": "staff"]),
        ], items: [
            "1:reply_in:1:Replied with an opt-out word:",
            "2:opted_out:1:Opted out of booking texts (STOP reply):",
            "3:opted_in:1:Agreed to booking texts (START reply):",
            "4:opted_out:1:Opted out of marketing texts (by staff):",
        ]),
        Case(name: "a reply linked to a customer keeps its arrival time; one stored earlier moves", receivedAt: [30: 5000], entries: [
            entry(9, .messageLinked, customer: 2, subject: 30, type: "message", ["previous_customer_id": 1]),
        ], items: ["9:reply_in:2:Replied:"], movedReplies: [30]),
        Case(name: "a reply received and linked in one batch is one item, under the new customer", entries: [
            entry(1, .messageReceived, customer: nil, subject: 30, type: "message", [:]),
            entry(2, .messageReceived, subject: 31, type: "message", [:]),
            entry(3, .messageLinked, customer: 2, subject: 31, type: "message", ["previous_customer_id": 1]),
        ], items: ["3:reply_in:2:Replied:"]),
        Case(name: "deleting a customer drops their items in the batch and deletes the stored ones", entries: [
            entry(1, .bookingCreated, ["event_id": 5, "event_name": "Jazz Night", "seats": 2]),
            entry(2, .bookingCreated, customer: 3, subject: 11, ["event_id": 5, "event_name": "Jazz Night", "seats": 1]),
            entry(3, .bookingDeleted, ["event_id": 5, "seats": 2]),
            entry(4, .customerDeleted, subject: 1, type: "customer", ["name": "Ann Lee", "bookings_deleted": 1]),
        ], items: ["2:booking_made:3:Booked 1 seat for Jazz Night:"], deletedCustomers: [1]),
    ]

    @Test(arguments: cases)
    func history(_ c: Case) {
        // Every row of the case reads as its kind (rows as the store writes them).
        #expect(c.entries.allSatisfy { if case .unrecognized = $0.event { false } else { true } })
        var batch = TimelineBatch()
        batch.storedTexts = c.storedTexts
        batch.events = c.events
        batch.receivedAt = c.receivedAt
        for entry in c.entries { batch.apply(entry) }
        let items = batch.items.values.sorted { $0.entryId < $1.entryId }.map { item in
            "\(item.entryId):\(item.kind.rawValue):\(item.customerId):\(TimelineView.sentence(item)):\(item.status ?? "")"
        }
        #expect(items == c.items)
        #expect(batch.statusUpdates == c.statusUpdates)
        #expect(batch.movedReplies == c.movedReplies)
        #expect(batch.deletedCustomers == c.deletedCustomers)
    }

    @Test func linkedReplyTakesItsArrivalTime() {
        var batch = TimelineBatch()
        batch.receivedAt = [30: 5000]
        batch.apply(Self.entry(9, .messageLinked, customer: 2, subject: 30, type: "message", ["previous_customer_id": nil]))
        #expect(batch.items[9]?.at == 5000)
    }

    @Test func keysAskForEventsTextsAndLinkedReplies() {
        let keys = TimelineBatch.keys([
            Self.entry(1, .bookingCancelled, ["event_id": 5, "seats": 2]),
            Self.entry(2, .messageDelivered, subject: 20, type: "message"),
            Self.entry(3, .messageLinked, subject: 30, type: "message"),
            Self.entry(4, .eventChanged, customer: nil, subject: 6, type: "event"),
        ])
        #expect(keys.events == [5, 6])
        #expect(keys.texts == [20])
        #expect(keys.linked == [7: [30]])
    }
}
