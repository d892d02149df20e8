import Foundation

/// What a customer has agreed to receive by SMS.
public enum ConsentPurpose: String, Sendable, Codable, CaseIterable {
    /// Confirmations and reminders for their own bookings.
    case transactional
    /// News and offers.
    case marketing
}

/// Who or what changed a customer's consent.
public enum ConsentSource: String, Sendable, Codable, CaseIterable {
    /// Given when the customer was added (they asked to book, so transactional texts are expected).
    case signup
    case staff
    case api
    case `import`
    /// A STOP-like keyword reply.
    case stopReply = "stop_reply"
    /// A START-like keyword reply.
    case startReply = "start_reply"
    /// The provider refused to text the number because the recipient opted out (Twilio 21610).
    case providerError = "provider_error"
    /// The number belonged to an erased customer who had opted out: they stay out until they text START.
    case erasedOptOut = "erased_opt_out"
}

/// A customer's current SMS consent.
public struct ConsentState: Sendable, Equatable, Codable {
    public var transactional: Bool
    public var marketing: Bool

    public init(transactional: Bool, marketing: Bool) {
        self.transactional = transactional
        self.marketing = marketing
    }

    /// A new customer: booking texts yes, marketing only when they say so.
    public static let newCustomer = ConsentState(transactional: true, marketing: false)

    public subscript(purpose: ConsentPurpose) -> Bool {
        get { purpose == .transactional ? transactional : marketing }
        set { if purpose == .transactional { transactional = newValue } else { marketing = newValue } }
    }
}

/// One kept change of consent: the history never shrinks.
public struct ConsentChange: Sendable, Equatable {
    public var id: Int64
    public var customerId: Int64
    public var purpose: ConsentPurpose
    public var granted: Bool
    public var source: ConsentSource
    public var note: String?
    public var changedAt: Date

    public init(
        id: Int64, customerId: Int64, purpose: ConsentPurpose, granted: Bool, source: ConsentSource,
        note: String?, changedAt: Date
    ) {
        self.id = id
        self.customerId = customerId
        self.purpose = purpose
        self.granted = granted
        self.source = source
        self.note = note
        self.changedAt = changedAt
    }
}
