import CrierCore
import CrierPluginKit
import CrierStore
import Foundation

extension Dispatcher {
    /// Decides about, renders and sends one claimed message; returns the change to record and how
    /// it counts. No database access: the batch's data came in `context`, and the caller records.
    func step(_ message: Message, _ context: DispatchContext, sentRecently: Int) async -> (MessageChange, Outcome) {
        let now = store.clock.now()
        func change(_ event: MessageEvent, _ update: MessageUpdate, _ outcome: Outcome) -> (MessageChange, Outcome) {
            (MessageChange(message.id, event, update), outcome)
        }
        if let (status, reason) = Self.refusal(context, now: now) {
            return change(.withdraw(status), MessageUpdate(reason: reason), .withdrawn)
        }
        if message.kind.isReminder, let event = context.event {
            let schedule = ReminderSchedule(zone: context.venue.timeZone, quietHours: context.venue.quietHours)
            if schedule.isQuiet(now) {
                let later = schedule.adjustedForQuietHours(now, start: event.startsAt)
                if later > now, later <= (message.deadline ?? later) {
                    return change(.postpone, MessageUpdate(scheduledFor: later), .postponed)
                }
                return change(.withdraw(.skipped), MessageUpdate(reason: MessageReason.stale), .withdrawn)
            }
        }
        if sentRecently >= settings.perRecipientPerHour {
            return change(.withdraw(.suppressed), MessageUpdate(reason: MessageReason.floodGuard), .withdrawn)
        }
        let body: String
        switch renderer.render(context) {
        case .success(let text): body = text
        case .failure(let failure):
            return change(.permanentFailure, MessageUpdate(reason: MessageReason.templateError, attempt: ("template_error", failure.detail, now)), .failed)
        }
        guard let provider = providers[context.provider] else {
            // A configuration problem must not burn the message: try again in five minutes.
            logger.error("venue's SMS provider is not loaded", metadata: ["provider": "\(context.provider)", "venue": "\(context.venue.slug)"])
            return change(.postpone, MessageUpdate(scheduledFor: now.addingTimeInterval(300)), .postponed)
        }
        let sender = context.providerSettings["from"] ?? context.providerSettings["messaging_service_sid"]
        if let wait = rateLimit.take("\(context.provider):\(sender ?? "venue-\(context.venue.id)")") {
            return change(.postpone, MessageUpdate(scheduledFor: now.addingTimeInterval(wait)), .postponed)
        }
        let measure = SMSMeasurement(body)
        let sms = OutboundSMS(
            messageId: message.id, to: message.to, from: context.providerSettings["from"], body: body,
            statusCallbackURL: publicURL.map { "\($0)/webhooks/\(provider.id)/status?message_id=\(message.id)" })
        let outcome = await provider.send(sms, settings: ProviderSettings(context.providerSettings))
        var update = MessageUpdate(body: body, segments: measure.segments, encoding: measure.encoding, from: sms.from, provider: provider.id)
        switch outcome {
        case .accepted(let id, let segments):
            update.providerMessageId = id
            update.segments = segments ?? measure.segments
            update.attempt = ("accepted", nil, now)
            return change(.accepted, update, .sent)
        case .retryable(let code, let detail):
            let again = message.attempts < settings.maxAttempts
            update.errorCode = code
            update.attempt = ("retryable", detail, now)
            update.reason = again ? nil : MessageReason.maxAttempts
            update.scheduledFor = again ? store.clock.now().addingTimeInterval(backoff(after: message.attempts)) : nil
            return change(.retryableFailure(attemptsLeft: again), update, again ? .retried : .failed)
        case .permanent(let code, let detail), .optedOut(let code, let detail):
            // Opted out also revokes the customer's consent (when recorded, same transaction).
            let optedOut = if case .optedOut = outcome { true } else { false }
            update.errorCode = code
            update.reason = optedOut ? MessageReason.optedOut : MessageReason.providerRefused
            update.attempt = (optedOut ? "opted_out" : "permanent", detail, now)
            return change(.permanentFailure, update, .failed)
        case .unknown(let detail):
            update.reason = MessageReason.sendOutcomeUnknown
            update.attempt = ("unknown", detail, now)
            return change(.leaseExpired, update, .unknown)
        }
    }
}
