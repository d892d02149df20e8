import CrierPluginKit
import CrierStore
import Logging
import ServiceLifecycle

/// Runs every loaded plugin's periodic jobs while the server runs: each on its own interval,
/// first after one interval has passed; a failure is logged and the job runs again next time.
public struct PluginJobs: Service {
    let host: PluginHost
    let store: Store

    public init(host: PluginHost, store: Store) {
        self.host = host
        self.store = store
    }

    public func run() async throws {
        let jobs = host.plugins.flatMap { plugin in plugin.jobs.map { (plugin.id, $0) } }
        guard !jobs.isEmpty else {
            // Nothing to run, but a service that returns early stops the server: wait for shutdown.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for (id, job) in jobs {
                    let services = host.services(for: id, store: store)
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: job.interval)
                            if Task.isCancelled { break }
                            do {
                                try await job.run(services)
                            } catch {
                                store.trouble.report("job \(job.name) failed; it runs again next time", error: error)
                            }
                        }
                    }
                }
            }
        }
    }
}
