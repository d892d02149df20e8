import AsyncHTTPClient
import Foundation

/// Reads projection lag the way an operator does: `GET /api/v1/admin/plugins`, the largest
/// `lag_seconds` (how long the oldest unapplied journal entry has waited) of any projection.
struct ProjectionLag {
    let server: ServerProcess
    let key: String
    let http: HTTPClient

    struct Report: Decodable {
        struct Plugin: Decodable { var projections: [Projection] }
        struct Projection: Decodable {
            var lag: Int
            var lag_seconds: Double
        }
        var items: [Plugin]
    }

    /// (entries, seconds) of the projection furthest behind.
    func now() async throws -> (entries: Int, seconds: Double) {
        let body = try await server.get("/api/v1/admin/plugins", key: key, http: http)
        let projections = try JSONDecoder().decode(Report.self, from: Data(body.utf8)).items.flatMap(\.projections)
        return (projections.map(\.lag).max() ?? 0, projections.map(\.lag_seconds).max() ?? 0)
    }

    /// Polls every 250 ms until cancelled; returns the largest lag in seconds it saw.
    func watch() async throws -> Double {
        var largest = 0.0
        while !Task.isCancelled {
            if let seen = try? await now() { largest = max(largest, seen.seconds) }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return largest
    }

    /// Seconds until no projection lags, polling every 100 ms; fails after `deadline`.
    func waitForZero(deadline: Duration) async throws -> Double {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < deadline {
            if try await now().entries == 0 { return (ContinuousClock.now - start).seconds }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchFailure("projections still lag \(deadline) after the load")
    }
}
