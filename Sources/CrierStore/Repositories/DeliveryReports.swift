import CrierCore
import Foundation
import SQLKit

/// A provider's status callback, once verified.
public struct DeliveryStatus: Sendable {
    public var provider: String
    /// Crier's id, from the callback URL, when the provider echoes it.
    public var messageId: Int64?
    public var providerMessageId: String
    public var report: DeliveryReport
    public var errorCode: String?
    public var segments: Int?
    /// The provider refused it because the recipient opted out (its own typed verdict).
    public var optedOut: Bool

    public init(provider: String, messageId: Int64?, providerMessageId: String, report: DeliveryReport, errorCode: String?, segments: Int?,
                optedOut: Bool = false) {
        self.provider = provider
        self.messageId = messageId
        self.providerMessageId = providerMessageId
        self.report = report
        self.errorCode = errorCode
        self.segments = segments
        self.optedOut = optedOut
    }
}

extension Dispatch {
    /// The venue an outbound message belongs to (a status callback names its venue through it).
    public func venueOf(messageId: Int64) async throws -> Int64? {
        try await store.engine.read { db in
            try await db.raw("SELECT venue_id FROM messages WHERE id = \(bind: messageId) AND direction = 'out'").first()?
                .decode(column: "venue_id", as: Int64.self)
        }
    }

    /// Applies a delivery report through the state machine: found by Crier's id (checked against
    /// the provider's id when the message has one) or else by the provider's id, within the venue.
    /// Returns nil when no such message exists (the provider is still answered 200, so it stops).
    /// A report can only move a message forward; one the provider says was refused because the recipient
    /// opted out also revokes consent.
    public func report(_ status: DeliveryStatus, venueId: Int64) async throws -> (messageId: Int64, transition: MessageTransition)? {
        let found = try await store.engine.read { db -> Int64? in
            if let id = status.messageId, let row = try await db.raw("""
                SELECT id, provider_message_id FROM messages WHERE id = \(bind: id) AND venue_id = \(bind: venueId) AND direction = 'out'
                """).first() {
                let theirs = try row.decode(column: "provider_message_id", as: String?.self)
                // A callback may beat the send call's return, before the provider's id is stored.
                if theirs == nil || theirs == status.providerMessageId { return id }
            }
            return try await db.raw("""
                SELECT id FROM messages WHERE provider = \(bind: status.provider) AND provider_message_id = \(bind: status.providerMessageId)
                    AND venue_id = \(bind: venueId) AND direction = 'out'
                """).first()?.decode(column: "id", as: Int64.self)
        }
        guard let id = found else { return nil }
        let optedOut = status.optedOut
        let update = MessageUpdate(
            segments: status.segments, providerMessageId: status.providerMessageId, errorCode: status.errorCode,
            reason: optedOut ? MessageReason.optedOut : nil)
        guard let transition = try await recordAll([MessageChange(id, .report(status.report), update)])[id] else { return nil }
        return (id, transition)
    }
}
