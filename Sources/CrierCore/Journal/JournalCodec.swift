import Foundation

/// Turns journal events into the stored `data` text and back. One codec serves every write and
/// every batch (`shared`): making an encoder and a decoder per transaction was work on the
/// writer's thread. Times are RFC 3339 (written in UTC; older rows carry the venue's offset,
/// which reads the same).
public struct JournalCodec: Sendable {
    /// Encoding and decoding keep no state between calls, so one codec is shared.
    public static let shared = JournalCodec()

    let encoder: JSONEncoder
    let decoder: JSONDecoder

    public init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(JournalTime.format(date))
        }
        decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = JournalTime.parse(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
    }

    /// The `data` text of `event` (`{}` for one with no payload).
    public func encode(_ event: JournalEvent) throws -> String {
        guard let payload = event.payload else { return "{}" }
        return String(decoding: try encoder.encode(payload), as: UTF8.self)
    }

    /// The event a stored row holds; `unrecognized` when the kind is unknown here or its data
    /// does not read as that kind.
    public func decode(kind: String, data: String) -> JournalEvent {
        guard let known = JournalKind(rawValue: kind) else { return .unrecognized(kind: kind) }
        let bytes = Data(data.utf8)
        do { return try decode(known, bytes) } catch { return .unrecognized(kind: kind) }
    }

    func decode(_ kind: JournalKind, _ data: Data) throws -> JournalEvent {
        func read<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(T.self, from: data) }
        switch kind {
        case .venueCreated: return .venueCreated(try read(VenueCreated.self))
        case .venueChanged: return .venueChanged(try read(VenueChanged.self))
        case .customerCreated: return .customerCreated(try read(CustomerCreated.self))
        case .customerChanged: return .customerChanged(try read(CustomerChanged.self))
        case .customerDeleted: return .customerDeleted(try read(CustomerDeleted.self))
        case .customerErased: return .customerErased(try read(CustomerErased.self))
        case .eventCreated: return .eventCreated(try read(EventCreated.self))
        case .eventChanged: return .eventChanged(try read(EventChanged.self))
        case .eventCancelled: return .eventCancelled(try read(EventCancelled.self))
        case .eventDeleted: return .eventDeleted(try read(EventDeleted.self))
        case .bookingCreated: return .bookingCreated(try read(BookingCreated.self))
        case .bookingChanged: return .bookingChanged(try read(BookingChanged.self))
        case .bookingCancelled: return .bookingCancelled(try read(BookingCancelled.self))
        case .bookingDeleted: return .bookingDeleted(try read(BookingDeleted.self))
        case .consentGranted: return .consentGranted(try read(ConsentChanged.self))
        case .consentRevoked: return .consentRevoked(try read(ConsentChanged.self))
        case .messageQueued, .messageSkipped, .messageCancelled, .messageSuppressed, .messageSent, .messageDelivered, .messageUndelivered,
             .messageFailed, .messageUnknown:
            return .messageMoved(kind, try read(MessageMoved.self))
        case .messageReceived: return .messageReceived(try read(MessageReceived.self))
        case .messageLinked: return .messageLinked(try read(MessageLinked.self))
        case .staffAdded: return .staffAdded(try read(StaffChanged.self))
        case .staffRoleChanged: return .staffRoleChanged(try read(StaffChanged.self))
        case .staffRemoved: return .staffRemoved(try read(StaffChanged.self))
        case .staffInvited: return .staffInvited(try read(StaffChanged.self))
        case .staffInvitationRevoked: return .staffInvitationRevoked(try read(StaffChanged.self))
        case .apiKeyCreated: return .apiKeyCreated(try read(APIKeyChanged.self))
        case .apiKeyRevoked: return .apiKeyRevoked(try read(APIKeyChanged.self))
        case .templateChanged: return .templateChanged(try read(TemplateChanged.self))
        case .templateReset: return .templateReset(try read(TemplateChanged.self))
        }
    }
}
