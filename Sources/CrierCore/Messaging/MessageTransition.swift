/// Something that happens to an outbound message.
public enum MessageEvent: Sendable, Equatable {
    /// A dispatcher takes it to send now.
    case claim
    /// The provider accepted the send call.
    case accepted
    /// The send failed in a way worth retrying; `attemptsLeft` says whether another try is allowed.
    case retryableFailure(attemptsLeft: Bool)
    /// The send failed for good (invalid number, opted out at the provider, template error).
    case permanentFailure
    /// The dispatcher's lease ran out before it recorded an outcome (timeout, crash).
    case leaseExpired
    /// The dispatcher put it back without trying (quiet hours began, the sender's rate limit):
    /// not an attempt, and not a failure.
    case postpone
    /// A provider status callback. It may arrive before the send call returns.
    case report(DeliveryReport)
    /// Withdrawn before sending: no longer wanted, its moment passed, or not allowed.
    case withdraw(MessageStatus)
}

/// The outcome of applying an event to a status.
public enum MessageTransition: Sendable, Equatable {
    /// Move to this status.
    case to(MessageStatus)
    /// Nothing changes, and that is fine: a duplicate or late callback, a second cancellation.
    case unchanged
    /// The event cannot happen in this status (a bug or a lost race): refuse and change nothing.
    case refused

    /// The one state machine every outbound SMS follows. Callbacks only ever move a message
    /// forward (a late "sent" after "delivered" changes nothing), so they are idempotent.
    public static func apply(_ event: MessageEvent, to status: MessageStatus) -> MessageTransition {
        switch (event, status) {
        // Inbound texts are not sent, so no outbound event applies to them.
        case (_, .received): return .refused
        case (.claim, .scheduled): return .to(.sending)
        case (.claim, _): return .refused

        // Sent after all: the lease ran out first, but now the outcome is known.
        case (.accepted, .sending), (.accepted, .unknown): return .to(.sent)
        // The callback got there first: the message is already further on.
        case (.accepted, .sent), (.accepted, .delivered), (.accepted, .undelivered), (.accepted, .failed): return .unchanged
        case (.accepted, _): return .refused

        case (.retryableFailure(let again), .sending): return .to(again ? .scheduled : .failed)
        // Its lease already ran out: it stays unknown for a callback or staff to settle, never resent.
        case (.retryableFailure, .unknown): return .unchanged
        case (.retryableFailure, _): return .refused

        case (.permanentFailure, .sending), (.permanentFailure, .unknown): return .to(.failed)
        case (.permanentFailure, _): return .refused

        case (.postpone, .sending): return .to(.scheduled)
        case (.postpone, _): return .refused

        case (.leaseExpired, .sending): return .to(.unknown)
        case (.leaseExpired, _): return .unchanged

        case (.report(let report), _): return forward(status, report.status)

        case (.withdraw(let target), .scheduled), (.withdraw(let target), .sending):
            guard [.cancelled, .skipped, .suppressed].contains(target) else { return .refused }
            return .to(target)
        case (.withdraw(let target), _):
            guard [.cancelled, .skipped, .suppressed].contains(target) else { return .refused }
            return status.isFinal || status == .sent || status == .unknown ? .unchanged : .refused
        }
    }

    /// How far along a status is; callbacks never move a message backwards.
    static func rank(_ status: MessageStatus) -> Int {
        switch status {
        case .scheduled: return 0
        case .sending, .unknown: return 1
        case .sent: return 2
        case .delivered, .undelivered, .failed: return 3
        case .cancelled, .skipped, .suppressed, .received: return 4
        }
    }

    private static func forward(_ current: MessageStatus, _ reported: MessageStatus) -> MessageTransition {
        switch current {
        // A message that was never handed to the provider can't get a report about it.
        case .scheduled, .cancelled, .skipped, .suppressed, .received: return .refused
        case .sending, .unknown, .sent: return rank(reported) > rank(current) ? .to(reported) : .unchanged
        case .delivered, .undelivered, .failed: return .unchanged
        }
    }
}
