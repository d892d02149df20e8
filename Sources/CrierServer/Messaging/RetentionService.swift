import CrierStore
import Logging
import ServiceLifecycle

/// Inside `crier serve`: applies the venues' retention of texts' words (`MessageRetention`) at
/// start and then every `interval` (an hour). Safe with several instances: each pass only
/// replaces what is still there.
public struct RetentionService: Service {
    let store: Store
    let interval: Duration
    let logger: Logger

    public init(store: Store, interval: Duration = .seconds(3600), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let replaced = try await store.retention.apply()
                    if replaced > 0 { logger.info("replaced the words of texts past their venue's retention", metadata: ["texts": "\(replaced)"]) }
                } catch {
                    store.trouble.report("applying message retention failed; will retry", error: error)
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
