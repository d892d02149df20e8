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

/// One text to receive, with what its venue needs to answer it.
public struct InboundItem: Sendable {
    public var text: InboundText
    public var part: InboundPart?
    public var venue: Venue
    /// Acknowledgements go back in the webhook's answer (and are logged as sent); otherwise queued.
    public var inlineReplies: Bool
    /// The text of an acknowledgement for the sender (nil: none can be made).
    public var render: @Sendable (MessageKind, Customer?) -> String?

    public init(text: InboundText, part: InboundPart?, venue: Venue, inlineReplies: Bool,
                render: @escaping @Sendable (MessageKind, Customer?) -> String?) {
        self.text = text
        self.part = part
        self.venue = venue
        self.inlineReplies = inlineReplies
        self.render = render
    }
}

/// What receiving one inbound text did.
public struct InboundReceipt: Sendable, Equatable {
    /// The stored inbound message (0 for a duplicate delivery or a part still waiting).
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

    /// Receives many texts in one transaction and a handful of statements (one customer lookup, one
    /// insert of the texts, one of their journal entries; keywords, about one text in a hundred, are
    /// acted on one by one), returning a receipt for each, in order. All or nothing.
    /// `deadline`: webhooks must hear back well inside the provider's own timeout, so a database
    /// that is away fails the batch (503, the provider retries) rather than hold everyone behind it.
    public func receiveAll(_ items: [InboundItem], deadline: Double = StoreDeadlines.webhook) async throws -> [InboundReceipt] {
        guard !items.isEmpty else { return [] }
        let now = store.clock.now()
        // Worked out before queueing for the writer: its thread does only what needs the database.
        let senders = items.map { (try? PhoneNumber.parse($0.text.from, defaultRegion: $0.venue.defaultRegion))?.e164 ?? $0.text.from }
        let keywords = items.map { $0.part == nil ? Keyword.of($0.text.body) : nil }
        return try await store.engine.transaction(deadline: deadline) { db in
            var work: [(index: Int, item: InboundItem, text: InboundText, sender: String, keyword: Keyword?)] = []
            var receipts = [InboundReceipt?](repeating: nil, count: items.count)
            var seen = Set<String>()
            for (index, item) in items.enumerated() {
                let sender = senders[index]
                var text = item.text
                if let part = item.part {
                    guard let whole = try await Self.collect(db, text, part, venueId: item.venue.id, sender: sender, now: now) else {
                        receipts[index] = InboundReceipt(messageId: 0, duplicate: false, customerId: nil, keyword: nil, replies: [], waitingForParts: true)
                        continue
                    }
                    text = whole
                }
                // The same text twice in one batch: the second is a duplicate delivery.
                guard seen.insert(text.provider + "\u{0}" + text.providerMessageId).inserted else { continue }
                work.append((index, item, text, sender, item.part == nil ? keywords[index] : Keyword.of(text.body)))
            }
            // One statement stores every text, matching each sender to a customer as it goes.
            var inserted: [String: (id: Int64, customerId: Int64?)] = [:]
            if !work.isEmpty {
                let rows: [SQLQueryString] = work.enumerated().map { index, w in
                    let measure = SMSMeasurement(w.text.body)
                    // The first row types the columns for PostgreSQL (its parameters are untyped);
                    // the rest follow it, and SQLite parses a much shorter statement.
                    if index > 0 {
                        return """
                            (\(bind: w.item.venue.id), \(bind: w.text.to), \(bind: w.sender), \(bind: w.text.body), \(bind: measure.segments),
                             \(bind: measure.encoding.rawValue), \(bind: w.text.provider), \(bind: w.text.providerMessageId))
                            """
                    }
                    return """
                        (CAST(\(bind: w.item.venue.id) AS BIGINT), CAST(\(bind: w.text.to) AS TEXT), CAST(\(bind: w.sender) AS TEXT),
                         CAST(\(bind: w.text.body) AS TEXT), CAST(\(bind: measure.segments) AS INTEGER), CAST(\(bind: measure.encoding.rawValue) AS TEXT),
                         CAST(\(bind: w.text.provider) AS TEXT), CAST(\(bind: w.text.providerMessageId) AS TEXT))
                        """
                }
                // `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT, not the join.
                for row in try await db.raw("""
                    WITH v(venue_id, to_number, from_number, body, segments, encoding, provider, provider_message_id) AS (VALUES \(rows.joined(separator: ", ")))
                    INSERT INTO messages (venue_id, customer_id, direction, kind, status, to_number, from_number, body, segments, encoding,
                        attempts, provider, provider_message_id, created_at, updated_at)
                    SELECT v.venue_id, c.id, 'in', 'reply', 'received', v.to_number, v.from_number, v.body, v.segments, v.encoding, 0,
                        v.provider, v.provider_message_id, \(bind: now.millisecondsSince1970), \(bind: now.millisecondsSince1970)
                    FROM v LEFT JOIN customers c ON c.venue_id = v.venue_id AND c.mobile = v.from_number
                    WHERE true
                    ON CONFLICT (provider, provider_message_id) WHERE direction = 'in' DO NOTHING
                    RETURNING id, provider, provider_message_id, customer_id
                    """).all() {
                    let key = try row.decode(column: "provider", as: String.self) + "\u{0}" + row.decode(column: "provider_message_id", as: String.self)
                    inserted[key] = (try row.decode(column: "id", as: Int64.self), try row.decode(column: "customer_id", as: Int64?.self))
                }
            }
            let journal = JournalWriter(db: db, actor: .system, at: now)
            var entries: [JournalWriter.Entry] = []
            for w in work {
                guard let stored = inserted[w.text.provider + "\u{0}" + w.text.providerMessageId] else { continue }
                entries.append(JournalWriter.Entry(
                    venueId: w.item.venue.id, customerId: stored.customerId, subjectId: stored.id,
                    event: .messageReceived(MessageReceived(
                        from: w.sender, keyword: w.keyword, matched: stored.customerId != nil, providerAnswered: w.text.keywordHandled))))
            }
            try await journal.appendAll(entries)
            for w in work {
                let keyword = w.keyword
                guard let stored = inserted[w.text.provider + "\u{0}" + w.text.providerMessageId] else {
                    receipts[w.index] = InboundReceipt(messageId: 0, duplicate: true, customerId: nil, keyword: keyword, replies: [])
                    continue
                }
                var replies: [String] = []
                if keyword != nil {
                    // About one text in a hundred: its customer and consent are read here.
                    var matched: (Customer, ConsentState)?
                    if let customerId = stored.customerId { matched = try await Self.customer(db, id: customerId) }
                    replies = try await Self.act(
                        db, journal: journal, item: w.item, text: w.text, sender: w.sender, id: stored.id, keyword: keyword, customer: matched, now: now)
                }
                receipts[w.index] = InboundReceipt(messageId: stored.id, duplicate: false, customerId: stored.customerId, keyword: keyword, replies: replies)
            }
            // A text repeated within the batch is answered like a redelivery.
            return receipts.enumerated().map { index, receipt in
                receipt ?? InboundReceipt(messageId: 0, duplicate: true, customerId: nil, keyword: Keyword.of(items[index].text.body), replies: [])
            }
        }
    }

    static func customer(_ db: any SQLDatabase, id: Int64) async throws -> (Customer, ConsentState)? {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: Customers.columns), sms_transactional, sms_marketing FROM customers WHERE id = \(bind: id)
            """).first()
        else { return nil }
        return (try Customers.decode(row), ConsentState(
            transactional: try row.decode(column: "sms_transactional", as: Bool.self),
            marketing: try row.decode(column: "sms_marketing", as: Bool.self)))
    }

    /// Acts on a keyword: consent, pending texts, and the acknowledgement (returned when it goes
    /// back in the webhook's answer, queued otherwise).
    static func act(
        _ db: any SQLDatabase, journal: JournalWriter, item: InboundItem, text: InboundText, sender: String, id: Int64, keyword: Keyword?,
        customer matched: (Customer, ConsentState)?, now: Date
    ) async throws -> [String] {
        let venue = item.venue
        let customer = matched?.0, consent = matched?.1
        let decision = InboundDecision.decide(keyword, optedOut: consent.map { !$0.transactional }, providerAnswered: text.keywordHandled != nil)
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
        guard let kind = decision.reply else { return [] }
        let key = "\(kind.rawValue):inbound:\(id)"
        if !item.inlineReplies {
            try await outbox.enqueue(
                venueId: venue.id, customerId: customer?.id, bookingId: nil, eventId: nil, kind: kind, to: PhoneNumber(trusted: sender),
                key: key, at: now)
            return []
        }
        guard let body = item.render(kind, customer) else { return [] }
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
            venueId: venue.id, customerId: customer?.id, subjectId: reply, .messageMoved(.messageSent, MessageMoved(kind: kind, inReplyTo: id)))
        return [body]
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
