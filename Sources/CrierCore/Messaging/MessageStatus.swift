/// Where an outbound message is in its life (DESIGN.md section 4).
///
/// ```
/// scheduled --hand-off--> sending --accepted--> sent --callback--> delivered | undelivered | failed
///  (claimed: a lease,        |--retryable error--> scheduled   (backoff, up to a maximum of attempts)
///   still scheduled)         |--permanent error--> failed
///     |                      '--outcome lost-----> unknown --provider's records--> sent | scheduled
///     '--> cancelled | skipped | suppressed   (with a reason)
/// ```
public enum MessageStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its time (`scheduled_for`), or claimed by a dispatcher that has not yet handed
    /// it to the provider (a claim is only a lease: a STOP still withdraws it).
    case scheduled
    /// Handed to the provider: the hand-off is on record and the send call is under way.
    case sending
    /// The provider accepted it.
    case sent
    /// The handset received it.
    case delivered
    /// The carrier could not deliver it.
    case undelivered
    /// It will never be sent: refused by the provider, out of attempts, or a broken template.
    case failed
    /// Handed to the provider, but the send call's outcome was lost (timeout, crash): never resent
    /// blindly; a callback, the provider's records or staff settle it.
    case unknown
    /// No longer wanted: booking or event cancelled, customer deleted or opted out later.
    case cancelled
    /// Its moment passed: booked too late, server down past the staleness limit, event moved.
    case skipped
    /// Not allowed to go: no consent, kill switch, flood guard.
    case suppressed
    /// An inbound text from a customer (direction `in`): it has no life to follow.
    case received

    /// No event moves a message out of a final status.
    public var isFinal: Bool {
        switch self {
        case .delivered, .undelivered, .failed, .cancelled, .skipped, .suppressed, .received: return true
        case .scheduled, .sending, .sent, .unknown: return false
        }
    }

    /// Still waiting to be sent (what cancellations and re-timing act on).
    public var isPending: Bool { self == .scheduled }
}

/// What a provider's status callback reports.
public enum DeliveryReport: String, Sendable, Codable, CaseIterable {
    case sent, delivered, undelivered, failed

    /// The status this report moves a message to.
    var status: MessageStatus {
        switch self {
        case .sent: return .sent
        case .delivered: return .delivered
        case .undelivered: return .undelivered
        case .failed: return .failed
        }
    }
}
