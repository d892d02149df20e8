import CrierCore
import Foundation

/// An optional capability of a provider: finding a text Crier handed to it but lost track of (the
/// send call timed out, or the process died mid-call). With it, an `unknown` text is settled from
/// the provider's own records instead of waiting for staff: found means sent; nothing like it,
/// well after the hand-off, means it never got there and may go again.
public protocol SMSLookup: Sendable {
    /// Looks for the text in the provider's records. Never throws: every way it can end is an answer.
    func lookup(_ query: SentSMSQuery, settings: ProviderSettings) async -> SMSLookupAnswer
}

/// What is known of a handed-off text: what to match the provider's records on.
public struct SentSMSQuery: Sendable, Equatable {
    /// Crier's message id (some providers echo it in their records).
    public var messageId: Int64
    /// E.164.
    public var to: String
    /// The sender the venue's settings give, if any.
    public var from: String?
    public var body: String
    /// When it was handed to the provider: the provider's record is no older than this (less clock skew).
    public var handedOffAt: Date

    public init(messageId: Int64, to: String, from: String?, body: String, handedOffAt: Date) {
        self.messageId = messageId
        self.to = to
        self.from = from
        self.body = body
        self.handedOffAt = handedOffAt
    }
}

/// The provider's answer about one lost text.
public enum SMSLookupAnswer: Sendable, Equatable {
    /// It has the text: its id, and how far it got if the provider says.
    case found(providerMessageId: String, report: DeliveryReport?)
    /// It has nothing that matches.
    case notFound
    /// The question could not be answered now (network, credentials): ask again later.
    case failed(detail: String)
}
