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
    /// The next batch is claimed and read while the current one sends; it starts sending only
    /// when the current one is done, so one recipient's texts keep their order.
    @discardableResult
    public func runUntilIdle() async throws -> Report {
        var report = Report()
        report.unknown += try await store.dispatch.expireLeases()
        var batch = try await claim()
        while let current = batch {
            report.claimed += current.messages.count
            async let following = claim()
            let consentRevoked = await send(current, into: &report)
            batch = try await following
            // A provider's "opted out" revoked someone's consent after the next batch was read:
            // read it again rather than text them.
            if consentRevoked, let next = batch { batch = Batch(messages: next.messages, contexts: await load(next.messages)) }
        }
        return report
    }

    enum Outcome { case sent, withdrawn, failed, retried, postponed, unknown }

    /// Outcomes are written in groups of this many: a handful of statements per group, not per message.
    static let recordGroup = 100

    /// Claimed messages and what was read for their re-checks (or why it could not be read).
    struct Batch: Sendable {
        var messages: [Message]
        var contexts: Result<[Int64: DispatchContext], any Error>
    }

    func claim() async throws -> Batch? {
        let claimed = try await store.dispatch.claimDue(limit: settings.batchSize, lease: settings.lease, worker: worker)
        return claimed.isEmpty ? nil : Batch(messages: claimed, contexts: await load(claimed))
    }

    func load(_ messages: [Message]) async -> Result<[Int64: DispatchContext], any Error> {
        do {
            var overrides: [Int64: [String: String]] = [:]
            for venueId in Set(messages.map(\.venueId)) { overrides[venueId] = try await store.templates.overrides(venueId: venueId) }
            return .success(try await store.dispatch.contexts(for: messages, templates: overrides))
        } catch {
            return .failure(error)
        }
    }

    /// Re-checks, renders and sends one claimed batch; returns whether a provider's answer revoked
    /// someone's consent. A failure to read (the database hiccups) puts the whole batch back for a
    /// minute: nothing was sent, so trying again is safe. Outcomes are recorded in groups as sends
    /// finish; a group that cannot be written stays claimed and its leases expire into `unknown`.
    func send(_ batch: Batch, into report: inout Report) async -> Bool {
        let now = store.clock.now()
        var claimed = batch.messages
        let contexts: [Int64: DispatchContext], recent: [String: Int]
        do {
            // Only messages still leased to this dispatcher go; the lease runs afresh from here.
            let ours = try await store.dispatch.renewLeases(claimed.map(\.id), lease: settings.lease, worker: worker)
            if ours.count < claimed.count {
                logger.warning("claimed messages were no longer leased to this dispatcher", metadata: ["count": "\(claimed.count - ours.count)"])
                claimed = claimed.filter { ours.contains($0.id) }
            }
            contexts = try batch.contexts.get()
            recent = try await store.dispatch.sentCounts(to: claimed.map(\.to), since: now.addingTimeInterval(-3600))
        } catch {
            logger.error("could not prepare messages; trying again in a minute", metadata: ["count": "\(claimed.count)", "error": "\(error)"])
            let later = MessageUpdate(scheduledFor: now.addingTimeInterval(60))
            await record(claimed.map { (MessageChange($0.id, .postpone, later), Outcome.postponed) }, into: &report)
            return false
        }
        // One recipient's messages go one after another (so the flood guard counts each send);
        // different recipients' go side by side.
        var byRecipient: [String: [Message]] = [:]
        for m in claimed { byRecipient[m.to, default: []].append(m) }
        var pending: [(MessageChange, Outcome)] = []
        var consentRevoked = false
        await withTaskGroup(of: [(MessageChange, Outcome)].self) { group in
            var next = byRecipient.values.makeIterator()
            func start(_ messages: [Message]) {
                group.addTask {
                    var sentRecently = recent[messages[0].to] ?? 0
                    var done: [(MessageChange, Outcome)] = []
                    for m in messages {
                        let step: (MessageChange, Outcome)
                        if let context = contexts[m.id] {
                            step = await self.step(m, context, sentRecently: sentRecently)
                        } else {
                            // Its venue row is missing: never send blind; look again later.
                            step = (MessageChange(m.id, .postpone, MessageUpdate(scheduledFor: now.addingTimeInterval(300))), .postponed)
                        }
                        if step.1 == .sent { sentRecently += 1 }
                        done.append(step)
                    }
                    return done
                }
            }
            for _ in 0..<min(settings.concurrency, byRecipient.count) {
                if let batch = next.next() { start(batch) }
            }
            while let steps = await group.next() {
                pending += steps
                consentRevoked = consentRevoked || steps.contains { $0.0.update.reason == MessageReason.optedOut }
                if let batch = next.next() { start(batch) }
                if pending.count >= Self.recordGroup {
                    await record(pending, into: &report)
                    pending = []
                }
            }
        }
        await record(pending, into: &report)
        return consentRevoked
    }

    /// Writes a group of outcomes in one transaction and counts them.
    func record(_ steps: [(MessageChange, Outcome)], into report: inout Report) async {
        guard !steps.isEmpty else { return }
        do {
            try await store.dispatch.recordAll(steps.map(\.0))
        } catch {
            // They stay claimed: their leases expire into `unknown`, never a blind resend.
            logger.error("could not record messages' outcomes", metadata: ["count": "\(steps.count)", "error": "\(error)"])
            report.unknown += steps.count
            return
        }
        for (_, outcome) in steps {
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

    func backoff(after attempts: Int) -> TimeInterval {
        min(settings.maxBackoff, settings.backoff * pow(2, Double(max(0, attempts - 1))))
    }
}
