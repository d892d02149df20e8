import ArgumentParser
import AsyncHTTPClient
import CrierCore
import CrierStore
import Foundation
import NIOCore

/// A 10 MB customer import against a real `crier serve` (every built-in plugin, the scheduler
/// running): how much the server's memory grows while it checks the file (`?dry_run=1`) and then
/// imports it, both through `POST /api/v1/plugins/exports/imports/customers`, which streams the
/// upload to disk and reads it back a chunk at a time.
struct ImportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Check and import a 10 MB CSV of customers through a running server; its peak memory growth.")
    @Option(help: "Size of the generated file in MB.") var megabytes = 10

    func run() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crier-bench-import-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (file, rows) = Self.file(bytes: megabytes * 1_048_576)
        let database = "sqlite://" + dir.appendingPathComponent("crier.sqlite").path
        let key = try await Store.open(try DatabaseURL(database), clock: SystemClock(), logger: CrierWebhookRun.logger).withRunning { store in
            try await store.migrate()
            let venue = try await store.venues.create(
                try VenueSettings.validate(slug: "bench", name: "Bench", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
            return try await store.apiKeys.create(venueId: venue.id, name: "bench", scope: .write, actor: .system).secret
        }
        let http = HTTPClient.shared
        let server = try await ServerProcess.start(
            database: database, environment: ["CRIER_EXPORTS_MAX_IMPORT_BYTES": String((megabytes + 1) * 1_048_576)],
            output: dir.appendingPathComponent("serve.log"), http: http)
        defer { Task { await server.stop() } }
        try await Task.sleep(for: .seconds(1))
        print("import: a \(String(format: "%.1f", Double(file.count) / 1_048_576)) MB CSV of \(rows) customers, POSTed to a running crier serve (all plugins)")
        print("step                 seconds   RSS before MB   peak MB   growth MB   answer")
        for (step, query, expected) in [("check (dry run)", "?dry_run=1", 200), ("import", "", 201)] {
            let before = PeakMemory.current(pid: server.pid)
            PeakMemory.reset(pid: server.pid)
            var request = HTTPClientRequest(url: server.base + "/api/v1/plugins/exports/imports/customers" + query)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            request.headers.add(name: "Content-Type", value: "text/csv")
            request.body = .bytes(ByteBuffer(bytes: file))
            let start = ContinuousClock.now
            let response = try await http.execute(request, timeout: .seconds(600))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 24))
            let seconds = (ContinuousClock.now - start).seconds
            guard Int(response.status.code) == expected else { throw BenchFailure("\(step) answered \(response.status.code): \(body.prefix(300))") }
            let peak = PeakMemory.megabytes(pid: server.pid)
            print(step.padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: " %9.1f %15.0f %9.0f %11.0f   ", seconds, before, peak, peak - before) + body.prefix(60))
        }
        print("reproduce: swift build -c release && .build/release/crier-bench import")
    }

    /// A CSV of `bytes` bytes: a header and customers with distinct UK mobiles, some fields quoted.
    static func file(bytes: Int) -> (bytes: [UInt8], rows: Int) {
        var out = Array("first_name,last_name,mobile,email,notes\n".utf8)
        out.reserveCapacity(bytes + 200)
        var i = 0
        while out.count < bytes {
            let notes = i % 10 == 0 ? "\"likes the window, and \"\"quiet\"\" tables\"" : "regular \(i)"
            out += Array("Name\(i),Surname\(i),+4477\(String(format: "%08d", i)),p\(i)@example.test,\(notes)\n".utf8)
            i += 1
        }
        return (out, i)
    }
}
