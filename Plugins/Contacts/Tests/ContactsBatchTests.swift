@testable import Contacts
import CrierPluginKit
import Foundation
import Testing

/// The contacts' arithmetic, entry by entry: each case is a history and what it adds up to.
struct ContactsBatchTests {
    /// An entry as the store writes it: its kind and stored JSON, read back through the journal's codec.
    static func entry(_ id: Int64, _ kind: JournalKind, customer: Int64? = 1, subject: Int64 = 1, type: String = "booking", _ data: JSONValue = [:])
        -> JournalEntry
    {
        JournalEntry(
            id: id, venueId: 7, customerId: customer, event: JournalCodec.shared.decode(kind: kind.rawValue, data: data.jsonText), subjectType: type,
            subjectId: subject, dataText: data.jsonText, actor: "system", createdAt: Date(timeIntervalSince1970: Double(id) * 60))
    }

    static let created = entry(1, .customerCreated, subject: 1, type: "customer",
                               ["first_name": "Ann", "last_name": "Lee", "mobile": "+447700900123"])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var entries: [JournalEntry]
        /// bookings, active seats, reminder-only, cancellations, texts in, texts out, opted out (1); [-1] when the contact is gone
        var expected: [Int]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a new customer", entries: [created], expected: [0, 0, 0, 0, 0, 0, 0]),
        Case(name: "two seats, then a reminder-only booking", entries: [
            created,
            entry(2, .bookingCreated, subject: 10, ["event_id": 5, "seats": 2]),
            entry(3, .bookingCreated, subject: 11, ["event_id": 6, "seats": 0]),
        ], expected: [2, 2, 1, 0, 0, 0, 0]),
        Case(name: "seats changed, from reminder-only to seated", entries: [
            created,
            entry(2, .bookingCreated, subject: 10, ["event_id": 5, "seats": 0]),
            entry(3, .bookingChanged, subject: 10, ["event_id": 5, "changed": ["seats": 4], "previous": ["seats": 0]]),
        ], expected: [1, 4, 0, 0, 0, 0, 0]),
        Case(name: "cancelled, then deleted", entries: [
            created,
            entry(2, .bookingCreated, subject: 10, ["event_id": 5, "seats": 2]),
            entry(3, .bookingCancelled, subject: 10, ["event_id": 5, "seats": 2]),
            entry(4, .bookingCancelled, subject: 10, ["event_id": 5, "seats": 2]),
            entry(5, .bookingCreated, subject: 11, ["event_id": 6, "seats": 3]),
            entry(6, .bookingDeleted, subject: 10, ["event_id": 5, "seats": 2]),
        ], expected: [1, 3, 0, 0, 0, 0, 0]),
        Case(name: "texts both ways, a STOP and a START", entries: [
            created,
            entry(2, .messageSent, subject: 20, type: "message", ["kind": "confirmation"]),
            entry(3, .messageReceived, subject: 21, type: "message", ["matched": true]),
            entry(4, .consentRevoked, subject: 1, type: "customer", ["channel": "sms", "purpose": "transactional", "source": "stop_reply"]),
            entry(5, .consentGranted, subject: 1, type: "customer", ["channel": "sms", "purpose": "marketing", "source": "staff"]),
        ], expected: [0, 0, 0, 0, 1, 1, 1]),
        Case(name: "a marketing opt-out is not a STOP", entries: [
            created,
            entry(2, .consentRevoked, subject: 1, type: "customer", ["channel": "sms", "purpose": "marketing", "source": "staff"]),
        ], expected: [0, 0, 0, 0, 0, 0, 0]),
        Case(name: "an unknown sender's text linked later, then moved to someone else", entries: [
            created,
            entry(2, .messageReceived, customer: nil, subject: 21, type: "message", ["matched": false]),
            entry(3, .messageLinked, subject: 21, type: "message", ["previous_customer_id": nil]),
            entry(4, .messageLinked, customer: 2, subject: 21, type: "message", ["previous_customer_id": 1]),
        ], expected: [0, 0, 0, 0, 0, 0, 0]),
        Case(name: "a deleted customer is gone", entries: [
            created,
            entry(2, .customerDeleted, subject: 1, type: "customer", ["name": "Ann Lee", "bookings_deleted": 0]),
            entry(3, .messageSent, subject: 20, type: "message", ["kind": "manual"]),
        ], expected: [-1, 0, 0, 0, 0, 0, 0]),
    ]

    @Test(arguments: cases)
    func countsAddUp(_ c: Case) {
        // Every row of the case reads as its kind (rows as the store writes them).
        #expect(c.entries.allSatisfy { if case .unrecognized = $0.event { false } else { true } })
        var batch = ContactsBatch()
        for entry in c.entries { batch.apply(entry) }
        guard let contact = batch.contacts[1] else {
            #expect(c.expected.first == -1 && batch.deletedContacts == [1], "contact missing")
            return
        }
        let got = [contact.bookings, contact.activeSeats, contact.reminderOnly, contact.cancellations, contact.messagesIn,
                   contact.messagesOut, contact.optedOut ? 1 : 0]
        #expect(got == c.expected)
        #expect(contact.firstAt == 60_000)
    }

    @Test
    func aBatchOfTextsOnlyRewritesTheirCounts() {
        var first = ContactsBatch()
        first.apply(Self.created)
        #expect(first.rewrittenContacts == [1])
        // A later batch with the contact loaded: replies and texts sent move only the text columns.
        var later = ContactsBatch()
        later.contacts[1] = first.contacts[1]
        later.apply(Self.entry(2, .messageReceived, subject: 21, type: "message", ["from": "+447700900123", "matched": true]))
        later.apply(Self.entry(3, .messageSent, subject: 22, type: "message", ["kind": "confirmation"]))
        #expect(later.changedContacts == [1] && later.rewrittenContacts.isEmpty)
        #expect(later.contacts[1]?.messagesIn == 1 && later.contacts[1]?.lastReplyId == 21)
        later.apply(Self.entry(4, .bookingCreated, subject: 10, ["event_id": 5, "seats": 2]))
        #expect(later.rewrittenContacts == [1])
    }

    @Test
    func aNameChangeUpdatesWhatSearchAndSortUse() {
        var batch = ContactsBatch()
        batch.apply(Self.created)
        batch.apply(Self.entry(2, .customerChanged, subject: 1, type: "customer",
                               ["changed": ["last_name": "Ó Súilleabháin"], "previous": ["last_name": "Lee"]]))
        let contact = batch.contacts[1]
        #expect(contact?.lastName == "Ó Súilleabháin")
        #expect(contact?.sortName == "o suilleabhain ann")
        #expect(contact?.search.contains("ann o suilleabhain") == true)
        #expect(contact?.lastAt == 60_000)
    }
}
