import Foundation

/// What a journal entry records, one case per kind with its fields: written by the store, decoded
/// once per batch for every projection. A kind this version does not know (a newer version wrote
/// it) or cannot read is `unrecognized`, which projections skip.
public enum JournalEvent: Sendable, Equatable {
    case venueCreated(VenueCreated)
    case venueChanged(VenueChanged)
    case customerCreated(CustomerCreated)
    case customerChanged(CustomerChanged)
    case customerDeleted(CustomerDeleted)
    /// The customer is gone and every entry about them scrubbed: projections drop what they hold on them.
    case customerErased(CustomerErased)
    case eventCreated(EventCreated)
    case eventChanged(EventChanged)
    case eventCancelled(EventCancelled)
    case eventDeleted(EventDeleted)
    case bookingCreated(BookingCreated)
    case bookingChanged(BookingChanged)
    case bookingCancelled(BookingCancelled)
    case bookingDeleted(BookingDeleted)
    case consentGranted(ConsentChanged)
    case consentRevoked(ConsentChanged)
    /// Every outbound text's move (queued, skipped, cancelled, suppressed, sent, delivered,
    /// undelivered, failed, unknown): the kind says which.
    case messageMoved(JournalKind, MessageMoved)
    case messageReceived(MessageReceived)
    case messageLinked(MessageLinked)
    case staffAdded(StaffChanged)
    case staffRoleChanged(StaffChanged)
    case staffRemoved(StaffChanged)
    /// An invitation to join the staff was made (or withdrawn); `staffAdded` follows when it is accepted.
    case staffInvited(StaffChanged)
    case staffInvitationRevoked(StaffChanged)
    case apiKeyCreated(APIKeyChanged)
    case apiKeyRevoked(APIKeyChanged)
    /// A text's wording set (`body`) or put back to the default (`templateReset`, no body).
    case templateChanged(TemplateChanged)
    case templateReset(TemplateChanged)
    /// Written by a newer version, or unreadable here: the stored kind, kept for the audit view.
    case unrecognized(kind: String)

    /// The stored `kind`.
    public var kind: String {
        switch self {
        case .unrecognized(let kind): return kind
        default: return journalKind!.rawValue
        }
    }

    /// The kind, nil for `unrecognized`.
    public var journalKind: JournalKind? {
        switch self {
        case .venueCreated: return .venueCreated
        case .venueChanged: return .venueChanged
        case .customerCreated: return .customerCreated
        case .customerChanged: return .customerChanged
        case .customerDeleted: return .customerDeleted
        case .customerErased: return .customerErased
        case .eventCreated: return .eventCreated
        case .eventChanged: return .eventChanged
        case .eventCancelled: return .eventCancelled
        case .eventDeleted: return .eventDeleted
        case .bookingCreated: return .bookingCreated
        case .bookingChanged: return .bookingChanged
        case .bookingCancelled: return .bookingCancelled
        case .bookingDeleted: return .bookingDeleted
        case .consentGranted: return .consentGranted
        case .consentRevoked: return .consentRevoked
        case .messageMoved(let kind, _): return kind
        case .messageReceived: return .messageReceived
        case .messageLinked: return .messageLinked
        case .staffAdded: return .staffAdded
        case .staffRoleChanged: return .staffRoleChanged
        case .staffRemoved: return .staffRemoved
        case .staffInvited: return .staffInvited
        case .staffInvitationRevoked: return .staffInvitationRevoked
        case .apiKeyCreated: return .apiKeyCreated
        case .apiKeyRevoked: return .apiKeyRevoked
        case .templateChanged: return .templateChanged
        case .templateReset: return .templateReset
        case .unrecognized: return nil
        }
    }

    /// The payload, for encoding.
    var payload: (any Encodable & Sendable)? {
        switch self {
        case .venueCreated(let p): return p
        case .venueChanged(let p): return p
        case .customerCreated(let p): return p
        case .customerChanged(let p): return p
        case .customerDeleted(let p): return p
        case .customerErased(let p): return p
        case .eventCreated(let p): return p
        case .eventChanged(let p): return p
        case .eventCancelled(let p): return p
        case .eventDeleted(let p): return p
        case .bookingCreated(let p): return p
        case .bookingChanged(let p): return p
        case .bookingCancelled(let p): return p
        case .bookingDeleted(let p): return p
        case .consentGranted(let p), .consentRevoked(let p): return p
        case .messageMoved(_, let p): return p
        case .messageReceived(let p): return p
        case .messageLinked(let p): return p
        case .staffAdded(let p), .staffRoleChanged(let p), .staffRemoved(let p), .staffInvited(let p), .staffInvitationRevoked(let p): return p
        case .apiKeyCreated(let p), .apiKeyRevoked(let p): return p
        case .templateChanged(let p), .templateReset(let p): return p
        case .unrecognized: return nil
        }
    }
}
