import Foundation

/// An outbound text's move, for `message.queued`, `.skipped`, `.cancelled`, `.suppressed`,
/// `.sent`, `.delivered`, `.undelivered`, `.failed` and `.unknown`: which text it is and why.
public struct MessageMoved: Sendable, Equatable, Codable {
    /// What the text is for; nil for a kind this version does not know (written by a newer one).
    public var kind: MessageKind?
    public var reason: String?
    public var errorCode: String?
    public var providerMessageId: String?
    /// Set when it was queued for a booking.
    public var bookingId: Int64?
    /// When it is due (set when it was queued).
    public var scheduledFor: Date?
    /// The inbound text an automatic answer replies to.
    public var inReplyTo: Int64?

    public init(
        kind: MessageKind?, reason: String? = nil, errorCode: String? = nil, providerMessageId: String? = nil, bookingId: Int64? = nil,
        scheduledFor: Date? = nil, inReplyTo: Int64? = nil
    ) {
        self.kind = kind
        self.reason = reason
        self.errorCode = errorCode
        self.providerMessageId = providerMessageId
        self.bookingId = bookingId
        self.scheduledFor = scheduledFor
        self.inReplyTo = inReplyTo
    }

    enum CodingKeys: String, CodingKey {
        case kind, reason, errorCode = "error_code", providerMessageId = "provider_message_id", bookingId = "booking_id"
        case scheduledFor = "scheduled_for", inReplyTo = "in_reply_to"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decodeIfPresent(String.self, forKey: .kind).flatMap(MessageKind.init(rawValue:))
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        errorCode = try c.decodeIfPresent(String.self, forKey: .errorCode)
        providerMessageId = try c.decodeIfPresent(String.self, forKey: .providerMessageId)
        bookingId = try c.decodeIfPresent(Int64.self, forKey: .bookingId)
        scheduledFor = try c.decodeIfPresent(Date.self, forKey: .scheduledFor)
        inReplyTo = try c.decodeIfPresent(Int64.self, forKey: .inReplyTo)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(kind, forKey: .kind)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encodeIfPresent(errorCode, forKey: .errorCode)
        try c.encodeIfPresent(providerMessageId, forKey: .providerMessageId)
        try c.encodeIfPresent(bookingId, forKey: .bookingId)
        try c.encodeIfPresent(scheduledFor, forKey: .scheduledFor)
        try c.encodeIfPresent(inReplyTo, forKey: .inReplyTo)
    }
}

/// `message.received`: an inbound text, who sent it, and the keyword it was, if any.
public struct MessageReceived: Sendable, Equatable, Codable {
    public var from: String
    public var keyword: Keyword?
    /// Whether the sender is a known customer.
    public var matched: Bool
    /// The keyword the provider answered itself, as it named it (Twilio's OptOutType), so Crier sent no answer.
    public var providerAnswered: String?

    public init(from: String, keyword: Keyword?, matched: Bool, providerAnswered: String?) {
        self.from = from
        self.keyword = keyword
        self.matched = matched
        self.providerAnswered = providerAnswered
    }

    enum CodingKeys: String, CodingKey { case from, keyword, matched, providerAnswered = "provider_answered" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        from = try c.decodeIfPresent(String.self, forKey: .from) ?? ""
        keyword = try c.decodeIfPresent(String.self, forKey: .keyword).flatMap(Keyword.init(rawValue:))
        matched = try c.decodeIfPresent(Bool.self, forKey: .matched) ?? false
        providerAnswered = try c.decodeIfPresent(String.self, forKey: .providerAnswered)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from, forKey: .from)
        try c.encode(keyword?.rawValue, forKey: .keyword)
        try c.encode(matched, forKey: .matched)
        try c.encode(providerAnswered, forKey: .providerAnswered)
    }
}

/// `message.linked`: an inbound text filed under a customer after it arrived (staff matched it).
public struct MessageLinked: Sendable, Equatable, Codable {
    public var from: String?
    /// Whom it was filed under before, if anyone.
    public var previousCustomerId: Int64?
    enum CodingKeys: String, CodingKey { case from, previousCustomerId = "previous_customer_id" }
    public init(from: String?, previousCustomerId: Int64?) {
        self.from = from
        self.previousCustomerId = previousCustomerId
    }
}
