import ArgumentParser
import CrierBuiltIns
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import Foundation
import Logging

/// What `crier serve` runs beside its HTTP server, for the in-process benchmarks: every
/// built-in plugin's projections (at the server's cadence) and jobs, and, when given a
/// dispatcher, the scheduler. `--plugins none` measures without them, for comparison only.
enum ShippedServices {
    static func running<T: Sendable>(
        _ store: Store, plugins: Bool, scheduler: Dispatcher? = nil, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let host = plugins
            ? try PluginHost.load(
                catalogue: BuiltInPlugins.all, selection: PluginSelection(nil, known: BuiltInPlugins.all.map { $0.id }), environment: [:],
                logger: logger, clock: store.clock, http: .shared)
            : PluginHost.none(logger: logger)
        try await host.migrate(store)
        var projections = host.projections(store: store)
        projections.interval = .milliseconds(250)
        let runner = projections
        // Caught up first: what is measured is the live work, as on a server that has been running.
        if plugins { try await runner.catchUp() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            if plugins {
                group.addTask { try await runner.run(); return nil }
                group.addTask { try await PluginJobs(host: host, store: store).run(); return nil }
            }
            if let scheduler {
                let service = ReminderService(dispatcher: scheduler, interval: .seconds(2), logger: logger)
                group.addTask { try await service.run(); return nil }
            }
            let result = try await body()
            // The scheduler finishes the wave it is in and stops; the others stop at once.
            scheduler?.stop()
            group.cancelAll()
            return result
        }
    }
}

/// Which configurations an in-process benchmark measures: the shipped one, then (unless
/// `--shipped-only`) the same without plugins, as a comparison.
struct Configurations: ParsableArguments {
    @Flag(help: "Measure only the shipped configuration (every plugin on), not also the plugin-free one.")
    var shippedOnly = false

    var all: [(name: String, plugins: Bool)] { shippedOnly ? [("default", true)] : [("default", true), ("plugin-free", false)] }
}
