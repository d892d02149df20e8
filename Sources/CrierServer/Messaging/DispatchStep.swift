import CrierCore
import CrierPluginKit
import CrierStore
import Foundation

extension Dispatcher {
    /// A claimed text that passed every check made in memory, rendered and ready for its hand-off.
    struct ReadyText: Sendable {
        var message: Message
        var provider: any SMSProvider
        var settings: ProviderSettings
        var sms: OutboundSMS
        var measure: SMSMeasurement
        /// The token bucket it takes its turn from.
        var sender: String

        var handOff: HandOff {
            HandOff(id: message.id, body: sms.body, segments: measure.segments, encoding: measure.encoding, from: sms.from, provider: provider.id)
        }
    }

    /// What to do with one claimed text: record a decision now, or hand it off and send it.
    enum Decision {
        case record(MessageChange, Outcome)
        case ready(ReadyText)
    }

    /// Re-checks and renders one claimed message from the batch's data. No database access: the
    /// checks that matter at the last moment (consent, kill switch, still scheduled) are made
    /// again by the hand-off itself.
    func decide(_ message: Message, _ context: DispatchContext?, sentRecently: Int) -> Decision {
        let now = store.clock.now()
        func change(_ event: MessageEvent, _ update: MessageUpdate, _ outcome: Outcome) -> Decision {
            .record(MessageChange(message.id, event, update), outcome)
        }
        // Its venue row is missing: never send blind; look again later.
        guard let context else { return change(.postpone, MessageUpdate(scheduledFor: now.addingTimeInterval(300)), .postponed) }
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
        let providerSettings = ProviderSettings(context.providerSettings)
        // The venue's own public URL (behind its proxy) wins over the server's.
        let base = provider.publicURL(providerSettings) ?? publicURL
        let sms = OutboundSMS(
            messageId: message.id, to: message.to, from: provider.senderNumber(providerSettings), body: body,
            statusCallbackURL: base.map { "\($0)/webhooks/\(provider.id)/status?message_id=\(message.id)" })
        let sender = "\(provider.id):\(provider.rateLimitKey(providerSettings) ?? "venue-\(context.venue.id)")"
        return .ready(ReadyText(message: message, provider: provider, settings: providerSettings, sms: sms, measure: SMSMeasurement(body), sender: sender))
    }

    /// Gives one handed-off text to its provider, within the send timeout, and says what to record.
    /// `attempt` is the number of this hand-off (1 for the first).
    func call(_ text: ReadyText, attempt: Int) async -> (MessageChange, Outcome) {
        let startedAt = store.clock.now()
        let started = ContinuousClock.now
        let outcome = await Deadline.run(
            seconds: settings.sendTimeout, orElse: .unknown(detail: "no answer within \(Int(settings.sendTimeout)) s (or the server shut down)"),
            giveUp: { [self] in pastShutdownGrace }
        ) {
            await text.provider.send(text.sms, settings: text.settings)
        }
        metrics?.record(kind: text.message.kind.rawValue, provider: text.provider.id, outcome: outcome, took: ContinuousClock.now - started)
        let now = store.clock.now()
        var update = MessageUpdate(provider: text.provider.id)
        func change(_ event: MessageEvent, _ outcome: Outcome) -> (MessageChange, Outcome) {
            (MessageChange(text.message.id, event, update), outcome)
        }
        switch outcome {
        case .accepted(let id, let segments):
            update.providerMessageId = id
            update.segments = segments ?? text.measure.segments
            update.attempt = ("accepted", nil, startedAt)
            return change(.accepted, .sent)
        case .retryable(let code, let detail):
            let again = attempt < settings.maxAttempts
            update.errorCode = code
            update.attempt = ("retryable", detail, startedAt)
            update.reason = again ? nil : MessageReason.maxAttempts
            update.scheduledFor = again ? now.addingTimeInterval(backoff(after: attempt)) : nil
            return change(.retryableFailure(attemptsLeft: again), again ? .retried : .failed)
        case .permanent(let code, let detail), .optedOut(let code, let detail):
            // Opted out also revokes the customer's consent (when recorded, same transaction).
            let optedOut = if case .optedOut = outcome { true } else { false }
            update.errorCode = code
            update.reason = optedOut ? MessageReason.optedOut : MessageReason.providerRefused
            update.attempt = (optedOut ? "opted_out" : "permanent", detail, startedAt)
            return change(.permanentFailure, .failed)
        case .unknown(let detail):
            update.reason = MessageReason.sendOutcomeUnknown
            update.attempt = ("unknown", detail, startedAt)
            update.checkAfter = now.addingTimeInterval(settings.firstCheck)
            return change(.leaseExpired, .unknown)
        }
    }
}
