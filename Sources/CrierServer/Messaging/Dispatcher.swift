import CrierCore
import CrierPluginKit
import CrierStore
import CrierTemplates
import Foundation
import Logging
import Prometheus
import Synchronization

/// Sends what is due: claims messages, re-checks each against current data, renders it, records
/// its hand-off (with the final checks made by the database), gives it to the venue's provider
/// and records the outcome through the state machine. Only a handed-off text can end `unknown`.
public struct Dispatcher: Sendable {
    /// Limits and timings of sending.
    public struct Settings: Sendable {
        public var batchSize = 100
        /// How long a claim holds before another pass (or instance) may take the text; renewed
        /// as the batch's waves go, so it only needs to outlast one wave. After a crash, the texts
        /// claimed but never handed off go again this soon.
        public var lease: TimeInterval = 15
        /// Longest a provider call may take; past it the outcome is unknown.
        public var sendTimeout: TimeInterval = 15
        public var maxAttempts = 5
        /// First retry delay; doubled each attempt, capped at `maxBackoff`.
        public var backoff: TimeInterval = 60
        public var maxBackoff: TimeInterval = 3600
        /// Most texts one number may receive in an hour (the flood guard).
        public var perRecipientPerHour = 10
        /// Provider send rate per sender.
        public var sendsPerSecond: Double = 20
        public var burst: Double = 20
        /// Sends in flight at once; also how many hand-offs are recorded together.
        public var concurrency = 16
        /// How soon after an outcome is lost the provider is first asked about it.
        public var firstCheck: TimeInterval = 60
        /// How long after its hand-off a text the provider has no record of is taken as never
        /// received, and sent again.
        public var settleAfter: TimeInterval = 300
        /// On shutdown, how long texts already in flight may take before their outcome is left
        /// unknown (to be settled after the restart): shutdown must end within 10 s.
        public var shutdownGrace: TimeInterval = 4
        public init() {}

        /// How long a handed-off text may stay `sending` before its outcome counts as lost.
        var inFlightLease: TimeInterval { sendTimeout * 2 + 2 }
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
    /// Counts and times provider calls for `/metrics`.
    private(set) var metrics: DispatchMetrics?
    let gate = DispatchGate()
    /// Set on graceful shutdown: the pass finishes the texts in flight and claims no more.
    let shutdown = Shutdown()

    /// `registry`: where provider calls are counted and timed (`DispatchMetrics`), if anywhere.
    public init(store: Store, providers: [any SMSProvider], settings: Settings = Settings(), publicURL: String?, logger: Logger,
                registry: PrometheusCollectorRegistry? = nil) throws
    {
        try self.init(store: store, providers: providers, settings: settings, publicURL: publicURL, logger: logger, timing: .real)
        metrics = registry.map(DispatchMetrics.init)
    }

    init(store: Store, providers: [any SMSProvider], settings: Settings, publicURL: String?, logger: Logger,
         timing: SenderRateLimit.Timing) throws
    {
        self.store = store
        self.providers = Dictionary(providers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.renderer = SMSRenderer(defaults: try DefaultTemplates.sms())
        self.settings = settings
        self.rateLimit = SenderRateLimit(rate: settings.sendsPerSecond, burst: settings.burst, timing: timing)
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
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
        /// Lost outcomes the provider's records settled (sent, or sent again).
        public var settled = 0
    }

    /// Stops claiming: the pass under way finishes the texts in flight and returns.
    public func stop() { shutdown.begin() }

    public var isStopping: Bool { shutdown.began != nil }

    /// True once a shutdown's grace for texts in flight is over.
    var pastShutdownGrace: Bool {
        guard let at = shutdown.began else { return false }
        return Double(DispatchTime.now().uptimeNanoseconds - at) / 1e9 > settings.shutdownGrace
    }

    /// Logs failures once per burst, not once per pass.
    public var trouble: TroubleLog { store.trouble }

    /// Runs until nothing more is due now: settles lost outcomes, then claims and sends in batches.
    /// One pass at a time per dispatcher.
    @discardableResult
    public func runUntilIdle() async throws -> Report {
        try await gate.serialized {
            let started = ContinuousClock.now
            defer { metrics?.recordPass(took: ContinuousClock.now - started) }
            return try await pass()
        }
    }

    func pass() async throws -> Report {
        var report = Report()
        report.unknown += try await store.dispatch.expireLeases(checkAfter: settings.firstCheck)
        report.settled += await settleLostOutcomes()
        while !isStopping {
            let claimed = try await store.dispatch.claimDue(limit: settings.batchSize, lease: settings.lease, worker: worker)
            if claimed.isEmpty { break }
            report.claimed += claimed.count
            await send(claimed, into: &report)
        }
        return report
    }

    enum Outcome { case sent, withdrawn, failed, retried, postponed, unknown, settled }

    /// Adds recorded outcomes to the report.
    func count(_ steps: [(MessageChange, Outcome)], into report: inout Report) {
        for (_, outcome) in steps {
            switch outcome {
            case .sent: report.sent += 1
            case .withdrawn: report.withdrawn += 1
            case .failed: report.failed += 1
            case .retried: report.retried += 1
            case .postponed: report.postponed += 1
            case .unknown: report.unknown += 1
            case .settled: report.settled += 1
            }
        }
    }

    func backoff(after attempts: Int) -> TimeInterval {
        min(settings.maxBackoff, settings.backoff * pow(2, Double(max(0, attempts - 1))))
    }
}

/// When a dispatcher was told to stop, shared by its copies.
final class Shutdown: Sendable {
    private let at = Atomic<UInt64>(0)

    func begin() { _ = at.compareExchange(expected: 0, desired: max(1, DispatchTime.now().uptimeNanoseconds), ordering: .relaxed) }

    /// Uptime nanoseconds when it began; nil while running.
    var began: UInt64? {
        let value = at.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }
}
