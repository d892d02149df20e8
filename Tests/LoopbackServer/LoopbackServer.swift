import Hummingbird
import ServiceLifecycle

/// Runs `router` as a real HTTP server on a free loopback port for the duration of `body`, which
/// gets its base URL; the stand-in provider APIs in tests (Twilio, Vonage, Telnyx) all start this way.
public func withLoopbackServer<T: Sendable>(_ router: Router<BasicRequestContext>, _ body: (String) async throws -> T) async throws -> T {
    let (ports, ready) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in ready.yield(channel.localAddress?.port ?? 0) })
    let group = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
    return try await withThrowingTaskGroup(of: T?.self) { tasks in
        tasks.addTask { try await group.run(); return nil }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let result = try await body("http://127.0.0.1:\(port)")
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return result
    }
}
