/// Something that happens to an outbound message.
public enum MessageEvent: Sendable, Equatable, Hashable {
    /// A dispatcher leases it to send soon. Claiming is not sending: the message stays `scheduled`
    /// (so a STOP or a cancellation still withdraws it), and a claim that runs out simply lapses.
    case claim
    /// The durable record, made with the final checks, that it is about to be given to the
    /// provider. Only a handed-off text can have reached the provider.
    case handOff
    /// The provider accepted the send call.
    case accepted
    /// The send failed in a way worth retrying; `attemptsLeft` says whether another try is allowed.
    case retryableFailure(attemptsLeft: Bool)
    /// The send failed for good (invalid number, opted out at the provider, template error).
    case permanentFailure
    /// A handed-off text's outcome was lost (timeout, crash): never resent blindly.
    case leaseExpired
    /// Put back without trying (quiet hours, a venue row missing): not an attempt, not a failure.
    case postpone
    /// The provider's own records settled a lost outcome: it has the text (`true`) or, after a safe
    /// delay, has nothing like it (`false`: the text never got there and may go again).
    case settled(found: Bool)
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
        // A claim is a lease on a scheduled text; its status does not move.
        case (.claim, .scheduled): return .unchanged
        case (.claim, _): return .refused
        case (.handOff, .scheduled): return .to(.sending)
        case (.handOff, _): return .refused

        // Sent after all: the lease ran out first, but now the outcome is known.
        case (.accepted, .sending), (.accepted, .unknown): return .to(.sent)
        // The callback got there first: the message is already further on.
        case (.accepted, .sent), (.accepted, .delivered), (.accepted, .undelivered), (.accepted, .failed): return .unchanged
        case (.accepted, _): return .refused

        case (.retryableFailure(let again), .sending): return .to(again ? .scheduled : .failed)
        // Its lease already ran out: it stays unknown for the provider's records or staff to settle.
        case (.retryableFailure, .unknown): return .unchanged
        case (.retryableFailure, _): return .refused

        // A template that cannot render fails before the hand-off, while still scheduled.
        case (.permanentFailure, .scheduled), (.permanentFailure, .sending), (.permanentFailure, .unknown): return .to(.failed)
        case (.permanentFailure, _): return .refused

        case (.postpone, .scheduled): return .to(.scheduled)
        case (.postpone, _): return .refused

        case (.leaseExpired, .sending): return .to(.unknown)
        case (.leaseExpired, _): return .unchanged

        case (.settled(let found), .unknown): return .to(found ? .sent : .scheduled)
        // A callback or the send call's answer settled it first.
        case (.settled, .sent), (.settled, .delivered), (.settled, .undelivered), (.settled, .failed): return .unchanged
        case (.settled, _): return .refused

        case (.report(let report), _): return forward(status, report.status)

        case (.withdraw(let target), .scheduled):
            guard [.cancelled, .skipped, .suppressed].contains(target) else { return .refused }
            return .to(target)
        case (.withdraw(let target), _):
            guard [.cancelled, .skipped, .suppressed].contains(target) else { return .refused }
            // Handed off, it is the provider's now: too late to withdraw, and no error.
            return status.isFinal || status == .sending || status == .sent || status == .unknown ? .unchanged : .refused
        }
    }

    /// The statuses `event` moves a message out of (or, for a claim, acts on): what a bulk SQL
    /// update of that event may match, so no statement allows a move the table does not.
    public static func sources(of event: MessageEvent) -> [MessageStatus] {
        MessageStatus.allCases.filter { status in
            switch apply(event, to: status) {
            case .to: return true
            case .unchanged: return event == .claim
            case .refused: return false
            }
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
