import CrierCore
import Foundation
import SQLKit

/// One text from a customer, as the provider delivered it (already verified).
public struct InboundText: Sendable {
    public var provider: String
    public var providerMessageId: String
    /// The sender, as the provider wrote it (E.164 for every provider Crier speaks to).
    public var from: String
    /// The venue's number or sender id it was sent to.
    public var to: String
    public var body: String
    /// The keyword the provider already answered itself (Twilio's OptOutType), if any.
    public var keywordHandled: String?

    public init(provider: String, providerMessageId: String, from: String, to: String, body: String, keywordHandled: String?) {
        self.provider = provider
        self.providerMessageId = providerMessageId
        self.from = from
        self.to = to
        self.body = body
        self.keywordHandled = keywordHandled
    }
}

/// Where one delivered piece sits in a long text (Vonage's concat-ref, concat-part, concat-total).
public struct InboundPart: Sendable {
    public var reference: String
    public var part: Int
    public var total: Int

    public init(reference: String, part: Int, total: Int) {
        self.reference = reference
        self.part = part
        self.total = total
    }
}

/// What receiving one inbound text did.
public struct InboundReceipt: Sendable, Equatable {
    /// The stored inbound message (the first one, for a duplicate delivery).
    public var messageId: Int64
    /// The provider delivered this text before: nothing was done again.
    public var duplicate: Bool
    public var customerId: Int64?
    public var keyword: Keyword?
    /// Acknowledgements to give in the webhook's answer (for providers that reply inline).
    public var replies: [String]
    /// A part of a long text was kept; the text is handled when its last part arrives.
    public var waitingForParts = false
}

/// Receives customers' texts: stores each once, matches the sender, and acts on keywords, all in
/// one transaction, so an opt-out is either wholly recorded or the provider is told to retry.
public struct Inbound: Sendable {
    let store: Store

    /// - Parameters:
    ///   - inlineReplies: acknowledgements go back in the webhook's answer (and are logged as sent
    ///     messages); otherwise they are queued in the outbox.
    ///   - render: the text of an acknowledgement for the sender (nil: none can be made).
    ///   - part: where `text` sits in a long text delivered in pieces; it is kept until all are in.
    public func receive(
        _ text: InboundText, part: InboundPart? = nil, venue: Venue, inlineReplies: Bool,
        render: @escaping @Sendable (MessageKind, Customer?) -> String?
    ) async throws -> InboundReceipt {
        let now = store.clock.now()
        let sender = (try? PhoneNumber.parse(text.from, defaultRegion: venue.defaultRegion))?.e164 ?? text.from
        return try await store.engine.transaction { db in
            var text = text
            if let part {
                guard let whole = try await Self.collect(db, text, part, venueId: venue.id, sender: sender, now: now) else {
                    return InboundReceipt(messageId: 0, duplicate: false, customerId: nil, keyword: nil, replies: [], waitingForParts: true)
                }
                text = whole
            }
            let journal = JournalWriter(db: db, actor: .system, at: now)
            var customer: Customer?, consent: ConsentState?
            if let row = try await db.raw("""
                SELECT \(unsafeRaw: Customers.columns), sms_transactional, sms_marketing FROM customers
                WHERE venue_id = \(bind: venue.id) AND mobile = \(bind: sender)
                """).first() {
                customer = try Customers.decode(row)
                consent = ConsentState(
                    transactional: try row.decode(column: "sms_transactional", as: Bool.self),
                    marketing: try row.decode(column: "sms_marketing", as: Bool.self))
            }
            let keyword = Keyword.of(text.body)
            let inserted = try await db.raw("""
                INSERT INTO messages (venue_id, customer_id, direction, kind, status, to_number, from_number, body, segments, encoding,
                    attempts, provider, provider_message_id, created_at, updated_at)
                VALUES (\(bind: venue.id), \(bind: customer?.id), 'in', 'reply', 'received', \(bind: text.to), \(bind: sender),
                    \(bind: text.body), \(bind: SMSMeasurement(text.body).segments), \(bind: SMSMeasurement(text.body).encoding.rawValue), 0,
                    \(bind: text.provider), \(bind: text.providerMessageId), \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
                ON CONFLICT (provider, provider_message_id) WHERE direction = 'in' DO NOTHING RETURNING id
                """).all()
            guard let id = try inserted.first?.decode(column: "id", as: Int64.self) else {
                let first = try await db.raw("""
                    SELECT id, customer_id FROM messages
                    WHERE provider = \(bind: text.provider) AND provider_message_id = \(bind: text.providerMessageId) AND direction = 'in'
                    """).first()
                return InboundReceipt(
                    messageId: try first?.decode(column: "id", as: Int64.self) ?? 0, duplicate: true,
                    customerId: try first?.decode(column: "customer_id", as: Int64?.self), keyword: keyword, replies: [])
            }
            try await journal.append(
                venueId: venue.id, customerId: customer?.id, kind: JournalKind.messageReceived, subjectType: "message", subjectId: id,
                data: ["from": .string(sender), "keyword": .from(keyword?.rawValue), "matched": .bool(customer != nil),
                       "provider_answered": .from(text.keywordHandled)])
            let decision = InboundDecision.decide(
                keyword, optedOut: consent.map { !$0.transactional }, providerAnswered: text.keywordHandled != nil)
            if let customer, let consent, let granted = decision.consent {
                let source: ConsentSource = granted ? .startReply : .stopReply
                // STOP revokes every SMS purpose; START restores booking texts only (marketing needs its own yes).
                let purposes: [ConsentPurpose] = granted ? [.transactional] : ConsentPurpose.allCases
                for purpose in purposes where consent[purpose] != granted {
                    try await Consents.record(
                        db, journal: journal, venueId: venue.id, customerId: customer.id, purpose: purpose, granted: granted,
                        source: source, note: "texted \"\(text.body.trimmingCharacters(in: .whitespacesAndNewlines).prefix(40))\"")
                }
            }
            let outbox = Outbox(db: db, journal: journal)
            if decision.withdrawPending, let customer {
                try await outbox.withdrawPending(.customer(customer.id), reason: MessageReason.optedOut)
            }
            var replies: [String] = []
            if let kind = decision.reply {
                let key = "\(kind.rawValue):inbound:\(id)"
                if !inlineReplies {
                    try await outbox.enqueue(
                        venueId: venue.id, customerId: customer?.id, bookingId: nil, eventId: nil, kind: kind, to: PhoneNumber(trusted: sender),
                        key: key, at: now)
                } else if let body = render(kind, customer) {
                    // Answered in the webhook's response: logged as sent, through the provider, now.
                    let measure = SMSMeasurement(body)
                    let reply = try await db.insertReturningID("""
                        INSERT INTO messages (venue_id, customer_id, direction, kind, status, to_number, from_number, body, segments, encoding,
                            idempotency_key, attempts, provider, sent_at, created_at, updated_at)
                        VALUES (\(bind: venue.id), \(bind: customer?.id), 'out', \(bind: kind.rawValue), 'sent', \(bind: sender), \(bind: text.to),
                            \(bind: body), \(bind: measure.segments), \(bind: measure.encoding.rawValue), \(bind: key), 1, \(bind: text.provider),
                            \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970))
                        """)
                    try await journal.append(
                        venueId: venue.id, customerId: customer?.id, kind: JournalKind.messageSent, subjectType: "message", subjectId: reply,
                        data: ["kind": .string(kind.rawValue), "in_reply_to": .number(Double(id))])
                    replies.append(body)
                }
            }
            return InboundReceipt(messageId: id, duplicate: false, customerId: customer?.id, keyword: keyword, replies: replies)
        }
    }

    /// Keeps one part; once every part of its text is in (from this sender, with this reference,
    /// within a day: references are reused), returns the whole text under the first part's id.
    static func collect(_ db: any SQLDatabase, _ text: InboundText, _ part: InboundPart, venueId: Int64, sender: String, now: Date)
        async throws -> InboundText?
    {
        try await db.raw("""
            INSERT INTO inbound_parts (provider, provider_message_id, venue_id, sender, reference, part, total, body, received_at)
            VALUES (\(bind: text.provider), \(bind: text.providerMessageId), \(bind: venueId), \(bind: sender), \(bind: part.reference),
                    \(bind: part.part), \(bind: part.total), \(bind: text.body), \(bind: now.millisecondsSince1970))
            ON CONFLICT (provider, provider_message_id) DO NOTHING
            """).run()
        let since = now.addingTimeInterval(-86_400).millisecondsSince1970
        let rows = try await db.raw("""
            SELECT provider_message_id, part, body FROM inbound_parts
            WHERE venue_id = \(bind: venueId) AND sender = \(bind: sender) AND reference = \(bind: part.reference)
              AND provider = \(bind: text.provider) AND total = \(bind: part.total) AND received_at >= \(bind: since)
            ORDER BY part, received_at
            """).all()
        var pieces: [Int: (id: String, body: String)] = [:]
        for row in rows {
            let n = try row.decode(column: "part", as: Int.self)
            if pieces[n] == nil {
                pieces[n] = (try row.decode(column: "provider_message_id", as: String.self), try row.decode(column: "body", as: String.self))
            }
        }
        guard (1...max(1, part.total)).allSatisfy({ pieces[$0] != nil }) else { return nil }
        var whole = text
        whole.providerMessageId = pieces[1]!.id
        whole.body = (1...part.total).map { pieces[$0]!.body }.joined()
        return whole
    }
}
