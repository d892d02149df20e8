import CrierCore
import CrierStore
import Foundation

extension Dispatcher {
    /// The re-checks made just before sending, in order; nil when the message may go.
    static func refusal(_ c: DispatchContext, now: Date) -> (MessageStatus, String)? {
        let m = c.message
        if !c.venue.smsEnabled { return (.suppressed, MessageReason.killSwitch) }
        // The answer to STOP goes to someone who just withdrew consent, or who is no customer at all.
        if !m.kind.answersKeyword {
            guard c.customer != nil else { return (.cancelled, MessageReason.customerDeleted) }
            if c.consent?.transactional != true { return (.suppressed, MessageReason.noConsent) }
        }
        let aboutABooking = TemplateRules.fields(for: m.kind).contains("event_name")
        if aboutABooking {
            guard let booking = c.booking else { return (.cancelled, MessageReason.bookingDeleted) }
            guard let event = c.event else { return (.cancelled, MessageReason.bookingDeleted) }
            if m.kind != .bookingCancelled {
                if booking.status == .cancelled { return (.cancelled, MessageReason.bookingCancelled) }
                if event.status == .cancelled { return (.cancelled, MessageReason.eventCancelled) }
            }
            if event.startsAt <= now { return (.skipped, MessageReason.eventStarted) }
        }
        if let deadline = m.deadline, now > deadline { return (.skipped, MessageReason.stale) }
        return nil
    }
}
