import AsyncHTTPClient
import Foundation

/// The same load against Twilio's tutorial stack (`scripts/bench/flask_peer.py`) under gunicorn
/// with two workers, on its own SQLite file, in the same run as Crier's.
struct FlaskPeerRun {
    let script: String
    let context: WebhookRunContext

    func measure() async throws -> WebhookFigures {
        let app = URL(fileURLWithPath: script)
        guard FileManager.default.fileExists(atPath: app.path) else { throw BenchFailure("\(script) is missing (run from the package root)") }
        guard let gunicorn = Self.find("gunicorn"), let python = Self.find("python3") else {
            throw BenchFailure("the Flask peer needs gunicorn, flask and twilio: pip install gunicorn flask twilio")
        }
        let database = context.dir.appendingPathComponent("peer.sqlite").path
        let env = ProcessInfo.processInfo.environment.merging(
            ["PEER_DB": database, "PEER_TOKEN": WebhookLoad.token, "PEER_BASE": WebhookLoad.base]) { $1 }
        let seeded = try await ChildProcess.run(python, [app.path, "seed", String(context.customers)], environment: env)
        guard seeded == 0 else { throw BenchFailure("seeding the peer's database exited \(seeded)") }
        let log = context.dir.appendingPathComponent("peer.log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw BenchFailure("cannot write \(log.path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gunicorn)
        process.arguments = ["-w", "2", "-b", "127.0.0.1:0", "--chdir", app.deletingLastPathComponent().path,
                             app.deletingPathExtension().lastPathComponent + ":app"]
        process.environment = env
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        do {
            let figures = try await load(log: log, process: process)
            await ChildProcess.stop(process, grace: .seconds(10))
            return figures
        } catch {
            await ChildProcess.stop(process, grace: .seconds(10))
            throw error
        }
    }

    func load(log: URL, process: Process) async throws -> WebhookFigures {
        let port = try await Self.port(log, process: process)
        // Both workers up: gunicorn names each as it boots.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline,
              ((try? String(contentsOf: log, encoding: .utf8)) ?? "").components(separatedBy: "Booting worker").count < 3 {
            try await Task.sleep(for: .milliseconds(100))
        }
        let result = try await WrkResult.run(
            context.wrk, context.arguments + ["http://127.0.0.1:\(port)" + WebhookLoad.path], output: context.dir.appendingPathComponent("wrk.txt"))
        return WebhookFigures(target: .peer, engine: "sqlite", wrk: result, stored: nil)
    }

    /// gunicorn logs `Listening at: http://127.0.0.1:PORT` once it has bound port 0.
    static func port(_ log: URL, process: Process) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchFailure("gunicorn exited: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")") }
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let port = ServerProcess.port(in: text, after: "Listening at: http://127.0.0.1:") {
                return port
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchFailure("gunicorn did not listen within 30 s; see \(log.path)")
    }

    static func find(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/\(name)" }
            .first(where: FileManager.default.isExecutableFile)
    }
}
