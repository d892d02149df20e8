import AsyncHTTPClient

/// The HTTP client provider plugins send through. It keeps up to 64 connections per provider
/// host: the library's shared client allows 8, which would cap the dispatcher's parallel sends
/// (and so its rate against a provider 100 ms away) far below its own setting. Provider APIs are
/// never redirected and never compressed.
public enum ProviderHTTP {
    public static var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(30)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64))
        configuration.decompression = .disabled
        return configuration
    }

    /// Runs `body` with a client made from `configuration`, shut down afterwards whatever happens.
    public static func with<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let result: T
        do {
            result = try await body(http)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
        return result
    }
}
