import ArgumentParser
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import FakeTwilio
import Foundation
import Logging
import Twilio

/// Sends N due confirmations through the Twilio plugin to the fake Twilio server on loopback.
struct DispatchBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch", abstract: "Dispatch due messages to a loopback fake Twilio and report messages/s.")
    @OptionGroup var engines: Engines
    @Option(help: "Due messages to send.") var messages = 10_000
    @Option(help: "Sends in flight at once.") var concurrency = 32
    @Flag(help: "Send through the console provider instead (no HTTP): what the store alone allows.") var console = false
    @OptionGroup var configurations: Configurations

    func run() async throws {
        let route = console ? "the console provider (no HTTP)" : "the Twilio plugin to a fake Twilio on loopback"
        print("dispatch: \(messages) due confirmations through \(route), \(concurrency) in flight, rate limits lifted")
        print("  (default: every built-in plugin's projections running, as `crier serve`; plugin-free for comparison)")
        print("configuration  engine     seeded/s   sent    seconds   messages/s")
        let fake = FakeTwilio()
        let (count, width, useConsole) = (messages, concurrency, console)
        let choices = configurations.all
        try await ProviderHTTP.with { http in try await fake.run { base in
          for configuration in choices {
            try await engines.each(maxConnections: width + 8) { engine, store in
                let venue = try await store.venues.create(
                    try VenueSettings.validate(slug: "bench", name: "Bench", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
                try await store.venues.setProvider(venueId: venue.id, id: "twilio", settings: [
                    "account_sid": fake.accountSid, "auth_token": fake.authToken, "from": "+447700900001", "api_base_url": base,
                ], actor: .system)
                let event = try await store.events.create(
                    venue: venue, input: EventInput(name: "Gig", startsAt: EventTime.rfc3339(Date().addingTimeInterval(30 * 86_400), in: venue.timeZone)),
                    actor: .system)
                let t0 = ContinuousClock.now
                for i in 0..<count {
                    let c = try await store.customers.create(
                        venue: venue, input: CustomerInput(firstName: "F\(i)", lastName: "L\(i)", mobile: String(format: "+4477%08d", i)),
                        actor: .system)
                    _ = try await store.bookings.create(
                        venue: venue, customerId: c.id, eventId: event.event.id, seats: 0, notes: nil, source: .import, actor: .system)
                }
                let seeded = Double(count) / (ContinuousClock.now - t0).seconds
                var settings = Dispatcher.Settings()
                settings.batchSize = 500
                settings.concurrency = width
                settings.sendsPerSecond = 1_000_000
                settings.burst = 1_000_000
                var logger = Logger(label: "bench")
                logger.logLevel = .error
                let dispatcher = try Dispatcher(
                    store: store, providers: [useConsole ? ConsoleProvider(id: "twilio", write: { _ in }) : TwilioProvider(http: http, timeout: .seconds(10))],
                    settings: settings, publicURL: "https://crier.example", logger: logger)
                // Progress on stderr, so a profiler can attach for the sending alone.
                FileHandle.standardError.write(Data("\(engine): seeded, dispatching (pid \(getpid()))\n".utf8))
                let (report, seconds) = try await ShippedServices.running(store, plugins: configuration.plugins) {
                    let t1 = ContinuousClock.now
                    let report = try await dispatcher.runUntilIdle()
                    return (report, (ContinuousClock.now - t1).seconds)
                }
                print(configuration.name.padding(toLength: 14, withPad: " ", startingAt: 0) + " " + engine.padding(toLength: 9, withPad: " ", startingAt: 0)
                    + String(format: " %9.0f %7d %9.2f %12.0f", seeded, report.sent, seconds, Double(report.sent) / seconds))
            }
          }
        } }
    }
}
