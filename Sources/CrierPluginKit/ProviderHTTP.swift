import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

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

    /// What came of one API call: an answer to classify, or an outcome already known.
    public enum Answer: Sendable {
        case answered(status: UInt, body: Data)
        case failed(SendOutcome)
    }

    /// Sends `request` and reads the answer (up to 1 MiB). A failure to get one is classified here,
    /// the same way for every provider.
    public static func execute(_ request: HTTPClientRequest, on http: HTTPClient, timeout: TimeAmount, provider: String) async -> Answer {
        do {
            let response = try await http.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 20)
            return .answered(status: response.status.code, body: Data(body.readableBytesView))
        } catch {
            return .failed(outcome(forTransportError: error, provider: provider))
        }
    }

    /// Classifies a failure to get an answer. Only a connection that was never made is safe to
    /// retry; once the request may have left, the outcome is unknown (retrying could text twice).
    public static func outcome(forTransportError error: any Error, provider: String) -> SendOutcome {
        if let e = error as? HTTPClientError {
            if e == .connectTimeout || e == .tlsHandshakeTimeout || e == .getConnectionFromPoolTimeout {
                return .retryable(code: "connect", detail: "could not connect to \(provider): \(e)")
            }
            return .unknown(detail: "no answer from \(provider) after sending: \(e)")
        }
        if error is NIOConnectionError || (error as? IOError)?.errnoCode == ECONNREFUSED {
            return .retryable(code: "connect", detail: "could not connect to \(provider): \(error)")
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel {
            return .retryable(code: "connect", detail: "could not connect to \(provider): \(error)")
        }
        return .unknown(detail: "no answer from \(provider): \(error)")
    }
}
