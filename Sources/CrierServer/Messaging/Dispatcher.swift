import CrierCore
import CrierPluginKit
import CrierStore
import CrierTemplates
import Foundation
import Logging

/// Sends what is due: claims messages, re-checks each against current data, renders it, hands it
/// to the venue's provider and records the outcome through the state machine.
public struct Dispatcher: Sendable {
    /// Limits and timings of sending.
    public struct Settings: Sendable {
        public var batchSize = 100
        /// How long a claim holds before an unfinished send counts as `unknown`.
        public var lease: TimeInterval = 120
        public var maxAttempts = 5
        /// First retry delay; doubled each attempt, capped at `maxBackoff`.
        public var backoff: TimeInterval = 60
        public var maxBackoff: TimeInterval = 3600
        /// Most texts one number may receive in an hour (the flood guard).
        public var perRecipientPerHour = 10
        /// Provider send rate per sender.
        public var sendsPerSecond: Double = 20
        public var burst: Double = 20
        /// Sends in flight at once.
        public var concurrency = 16
        public init() {}
    }

    let store: Store
    let providers: [String: any SMSProvider]
    /// The providers this dispatcher can send through, for settings validation.
    public var providerList: [any SMSProvider] { providers.keys.sorted().compactMap { providers[$0] } }
    let renderer: SMSRenderer
    let settings: Settings
    let rateLimit: SenderRateLimit
    let publicURL: String?
    let worker: String
    let logger: Logger

    public init(store: Store, providers: [any SMSProvider], settings: Settings = Settings(), publicURL: String?, logger: Logger)
        throws
    {
        self.store = store
        self.providers = Dictionary(providers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.renderer = SMSRenderer(defaults: try DefaultTemplates.sms())
        self.settings = settings
        self.rateLimit = SenderRateLimit(rate: settings.sendsPerSecond, burst: settings.burst, clock: store.clock)
        self.publicURL = publicURL
        self.worker = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        self.logger = logger
    }

    /// What one run did.
    public struct Report: Sendable, Equatable {
        public var claimed = 0
        public var sent = 0
        public var withdrawn = 0
        public var failed = 0
        public var retried = 0
        public var postponed = 0
        public var unknown = 0
    }

    /// Runs until nothing more is due now: expires stale leases, then claims and sends in batches.
    @discardableResult
    public func runUntilIdle() async throws -> Report {
        var report = Report()
        report.unknown += try await store.dispatch.expireLeases()
        while true {
            let claimed = try await store.dispatch.claimDue(limit: settings.batchSize, lease: settings.lease, worker: worker)
            if claimed.isEmpty { return report }
            report.claimed += claimed.count
            // One recipient's messages go one after another (so the flood guard counts each send);
            // different recipients' go side by side.
            var byRecipient: [String: [Message]] = [:]
            for m in claimed { byRecipient[m.to, default: []].append(m) }
            var overrides: [Int64: [String: String]] = [:]
            for venueId in Set(claimed.map(\.venueId)) { overrides[venueId] = try await store.templates.overrides(venueId: venueId) }
            let templates = overrides
            let outcomes = try await withThrowingTaskGroup(of: [Outcome].self) { group in
                var results: [Outcome] = []
                var next = byRecipient.values.makeIterator()
                func start(_ messages: [Message]) {
                    group.addTask {
                        var done: [Outcome] = []
                        for m in messages {
                            do {
                                done.append(try await process(m, templates: templates[m.venueId] ?? [:]))
                            } catch {
                                // Its outcome could not be recorded: it stays claimed and its lease
                                // expires into `unknown`. The other messages carry on.
                                logger.error("could not record a message's outcome", metadata: ["message": "\(m.id)", "error": "\(error)"])
                                done.append(.unknown)
                            }
                        }
                        return done
                    }
                }
                for _ in 0..<min(settings.concurrency, byRecipient.count) {
                    if let batch = next.next() { start(batch) }
                }
                while let outcome = try await group.next() {
                    results += outcome
                    if let batch = next.next() { start(batch) }
                }
                return results
            }
            for outcome in outcomes {
                switch outcome {
                case .sent: report.sent += 1
                case .withdrawn: report.withdrawn += 1
                case .failed: report.failed += 1
                case .retried: report.retried += 1
                case .postponed: report.postponed += 1
                case .unknown: report.unknown += 1
                }
            }
        }
    }

    enum Outcome { case sent, withdrawn, failed, retried, postponed, unknown }

    /// Decides about, renders and sends one claimed message. A failure before the provider is
    /// called (the database hiccups) puts the message back for a minute: nothing was sent, so
    /// trying again is safe. After the call, an error leaves it claimed, to expire into `unknown`.
    func process(_ message: Message, templates: [String: String]) async throws -> Outcome {
        do {
            return try await prepareAndSend(message, templates: templates)
        } catch let error as BeforeSending {
            logger.error("could not prepare a message; trying again in a minute", metadata: ["message": "\(message.id)", "error": "\(error.cause)"])
            try await store.dispatch.record(message.id, .postpone, MessageUpdate(scheduledFor: store.clock.now().addingTimeInterval(60)))
            return .postponed
        }
    }

    /// An error raised before the provider was called.
    struct BeforeSending: Error { let cause: any Error }

    func prepareAndSend(_ message: Message, templates: [String: String]) async throws -> Outcome {
        let now = store.clock.now()
        let context: DispatchContext
        do { context = try await store.dispatch.context(for: message, templates: templates) } catch { throw BeforeSending(cause: error) }
        let dispatch = store.dispatch
        if let (status, reason) = Self.refusal(context, now: now) {
            try await dispatch.record(message.id, .withdraw(status), MessageUpdate(reason: reason))
            return .withdrawn
        }
        if message.kind.isReminder, let event = context.event {
            let schedule = ReminderSchedule(zone: context.venue.timeZone, quietHours: context.venue.quietHours)
            if schedule.isQuiet(now) {
                let later = schedule.adjustedForQuietHours(now, start: event.startsAt)
                if later > now, later <= (message.deadline ?? later) {
                    try await dispatch.record(message.id, .postpone, MessageUpdate(scheduledFor: later))
                    return .postponed
                }
                try await dispatch.record(message.id, .withdraw(.skipped), MessageUpdate(reason: MessageReason.stale))
                return .withdrawn
            }
        }
        let recent: Int
        do { recent = try await dispatch.sentTo(message.to, since: now.addingTimeInterval(-3600)) } catch { throw BeforeSending(cause: error) }
        if recent >= settings.perRecipientPerHour {
            try await dispatch.record(message.id, .withdraw(.suppressed), MessageUpdate(reason: MessageReason.floodGuard))
            return .withdrawn
        }
        let body: String
        switch renderer.render(context) {
        case .success(let text): body = text
        case .failure(let failure):
            try await dispatch.record(message.id, .permanentFailure, MessageUpdate(
                reason: MessageReason.templateError, attempt: ("template_error", failure.detail, now)))
            return .failed
        }
        guard let provider = providers[context.provider] else {
            // A configuration problem must not burn the message: try again in five minutes.
            logger.error("venue's SMS provider is not loaded", metadata: ["provider": "\(context.provider)", "venue": "\(context.venue.slug)"])
            try await dispatch.record(message.id, .postpone, MessageUpdate(scheduledFor: now.addingTimeInterval(300)))
            return .postponed
        }
        let sender = context.providerSettings["from"] ?? context.providerSettings["messaging_service_sid"]
        if let wait = rateLimit.take("\(context.provider):\(sender ?? "venue-\(context.venue.id)")") {
            try await dispatch.record(message.id, .postpone, MessageUpdate(scheduledFor: now.addingTimeInterval(wait)))
            return .postponed
        }
        let measure = SMSMeasurement(body)
        let sms = OutboundSMS(
            messageId: message.id, to: message.to, from: context.providerSettings["from"], body: body,
            statusCallbackURL: publicURL.map { "\($0)/webhooks/\(provider.id)/status?message_id=\(message.id)" })
        let started = store.clock.now()
        let outcome = await provider.send(sms, settings: ProviderSettings(context.providerSettings))
        var update = MessageUpdate(body: body, segments: measure.segments, encoding: measure.encoding, from: sms.from, provider: provider.id)
        switch outcome {
        case .accepted(let id, let segments):
            update.providerMessageId = id
            update.segments = segments ?? measure.segments
            update.attempt = ("accepted", nil, started)
            try await dispatch.record(message.id, .accepted, update)
            return .sent
        case .retryable(let code, let detail):
            let again = message.attempts < settings.maxAttempts
            update.errorCode = code
            update.attempt = ("retryable", detail, started)
            update.reason = again ? nil : MessageReason.maxAttempts
            update.scheduledFor = again ? store.clock.now().addingTimeInterval(backoff(after: message.attempts)) : nil
            try await dispatch.record(message.id, .retryableFailure(attemptsLeft: again), update)
            return again ? .retried : .failed
        case .permanent(let code, let detail), .optedOut(let code, let detail):
            // Opted out also revokes the customer's consent (in `record`, same transaction).
            let optedOut = if case .optedOut = outcome { true } else { false }
            update.errorCode = code
            update.reason = optedOut ? MessageReason.optedOut : MessageReason.providerRefused
            update.attempt = (optedOut ? "opted_out" : "permanent", detail, started)
            try await dispatch.record(message.id, .permanentFailure, update)
            return .failed
        case .unknown(let detail):
            update.reason = MessageReason.sendOutcomeUnknown
            update.attempt = ("unknown", detail, started)
            try await dispatch.record(message.id, .leaseExpired, update)
            return .unknown
        }
    }

    func backoff(after attempts: Int) -> TimeInterval {
        min(settings.maxBackoff, settings.backoff * pow(2, Double(max(0, attempts - 1))))
    }
}
