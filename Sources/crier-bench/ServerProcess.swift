import AsyncHTTPClient
import Foundation
import NIOCore

/// A real `crier serve` started from the binary beside this one, exactly as a user runs it
/// (every built-in plugin unless `CRIER_PLUGINS` says otherwise, the scheduler running), so the
/// figures are the shipped configuration's and its memory is the server's alone.
struct ServerProcess {
    let process: Process
    let port: Int
    let output: URL
    var pid: Int32 { process.processIdentifier }
    var base: String { "http://127.0.0.1:\(port)" }

    /// The `crier` binary built beside `crier-bench` (`swift build -c release` builds both).
    static func binary() throws -> URL {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let crier = here.deletingLastPathComponent().appendingPathComponent("crier")
        guard FileManager.default.isExecutableFile(atPath: crier.path) else {
            throw BenchFailure("\(crier.path) is missing: build both with `swift build -c release`")
        }
        return crier
    }

    /// Starts `crier serve` on a free loopback port and waits (at most 60 s) until `/ready` answers 200.
    static func start(database: String, environment: [String: String], output: URL, http: HTTPClient) async throws -> ServerProcess {
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else { throw BenchFailure("cannot write \(output.path)") }
        let log = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = try binary()
        process.arguments = ["serve", "--database", database, "--host", "127.0.0.1", "--port", "0"]
        // The server gets only the settings given here, and the run's secret key (`Bench.main`).
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CRIER_") || $0.key == "CRIER_SECRET_KEY" }
        env["CRIER_LOG_LEVEL"] = "warning"
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw BenchFailure("crier serve exited with \(process.terminationStatus): \((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
            }
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let port = Self.port(in: text, after: "Crier is listening on http://127.0.0.1:") {
                let server = ServerProcess(process: process, port: port, output: output)
                if try await server.ready(http) { return server }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw BenchFailure("crier serve was not ready within 60 s; its output is in \(output.path)")
    }

    /// The port number printed right after `marker`, if the text has it yet.
    static func port(in text: String, after marker: String) -> Int? {
        guard let range = text.range(of: marker) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    func ready(_ http: HTTPClient) async throws -> Bool {
        let request = HTTPClientRequest(url: base + "/ready")
        guard let response = try? await http.execute(request, timeout: .seconds(2)) else { return false }
        return response.status == .ok
    }

    /// GET `path` with an API key; the body as text, or a failure naming the status.
    func get(_ path: String, key: String, http: HTTPClient) async throws -> String {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let response = try await http.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw BenchFailure("GET \(path) answered \(response.status.code)") }
        return String(buffer: body)
    }

    /// SIGTERM, then SIGKILL if it has not exited within 15 s.
    func stop() async { await ChildProcess.stop(process, grace: .seconds(15)) }
}

/// The benchmark could not measure what it was asked to.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
