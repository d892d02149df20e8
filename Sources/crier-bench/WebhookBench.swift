import ArgumentParser
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import Foundation
import Logging
import Prometheus
import Hummingbird
import Twilio

/// Signed Twilio inbound webhooks against the real server on SQLite, driven by wrk on loopback.
struct WebhookBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Inbound Twilio webhooks under load (wrk): requests/s and latency.")
    @Option(help: "wrk connections.") var connections = 32
    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "Seconds of load.") var seconds = 10
    @Option(help: "Distinct signed requests prepared (each MessageSid new; wrk wraps around if it sends more).") var requests = 200_000
    @Option(help: "Known customers the texts come from.") var customers = 1_000
    @Flag(help: "Also load a bare Hummingbird route with the same requests (body read, empty TwiML; no checks, no database): this machine's ceiling.")
    var bare = false

    static let token = "bench-token", number = "+447700900900", base = "http://bench.example"

    func run() async throws {
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile) else {
            throw ValidationError("wrk is not installed (apt-get install wrk)")
        }
        let logger = {
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            return logger
        }()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crier-webhooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try await Store.open(.sqlite(path: dir.appendingPathComponent("bench.sqlite").path), clock: SystemClock(), logger: logger)
        let (count, people, conns, width, duration, bare) = (requests, customers, connections, threads, seconds, bare)
        try await store.withRunning { store in
            try await store.migrate()
            let venue = try await store.venues.create(
                try VenueSettings.validate(slug: "bench", name: "Bench", timezone: "Europe/London", defaultRegion: "GB"), actor: .system)
            try await store.venues.setProvider(venueId: venue.id, id: "twilio", settings: [
                "account_sid": "AC" + String(repeating: "0", count: 32), "auth_token": Self.token, "from": Self.number,
                "public_url": Self.base,
            ], addresses: [Self.number], actor: .system)
            for i in 0..<people {
                _ = try await store.customers.create(
                    venue: venue, input: CustomerInput(firstName: "F\(i)", lastName: "L\(i)", mobile: String(format: "+4477009%05d", i)),
                    actor: .system)
            }
            let file = dir.appendingPathComponent("requests.txt")
            try Self.prepare(count: count, customers: people, to: file)
            let script = dir.appendingPathComponent("requests.lua")
            try Self.lua(file: file.path, threads: width).write(to: script, atomically: true, encoding: .utf8)
            let dispatcher = try Dispatcher(store: store, providers: [TwilioProvider()], publicURL: Self.base, logger: logger)
            let (ports, ready) = AsyncStream.makeStream(of: Int.self)
            let app = try CrierServer.application(
                store: store, settings: ServerSettings(host: "127.0.0.1", port: 0, pollInterval: .seconds(3600)),
                registry: PrometheusCollectorRegistry(), dispatcher: dispatcher, testClock: nil, plugins: .none(logger: logger), logger: logger
            ) { ready.yield($0) }
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await app.runService() }
                var iterator = ports.makeAsyncIterator()
                let port = await iterator.next()!
                print("webhooks: signed Twilio inbound texts (1% keywords), SQLite, wrk -t\(width) -c\(conns) -d\(duration)s on loopback")
                let before = try await Self.inboundCount(store)
                // Progress on stderr, so a profiler can attach for the load alone.
                FileHandle.standardError.write(Data("serving on \(port), starting wrk (pid \(getpid()))\n".utf8))
                let arguments = ["-t\(width)", "-c\(conns)", "-d\(duration)s", "--latency", "-s", script.path]
                let output = try await Self.wrk(
                    wrk, arguments + ["http://127.0.0.1:\(port)/webhooks/twilio/inbound"], output: dir.appendingPathComponent("wrk.txt"))
                let stored = try await Self.inboundCount(store) - before
                Self.report(output, stored: stored, prepared: count)
                tasks.cancelAll()
            }
            if bare { try await Self.bare(wrk, arguments: ["-t\(width)", "-c\(conns)", "-d\(duration)s", "--latency", "-s", script.path], dir: dir, logger: logger) }
        }
    }

    /// The same load against a route that only reads the body and answers: what HTTP alone costs here.
    static func bare(_ wrk: String, arguments: [String], dir: URL, logger: Logger) async throws {
        let router = Router()
        router.post("webhooks/twilio/inbound") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 64 * 1024)
            return Response(status: .ok, headers: [.contentType: "text/xml"],
                            body: .init(byteBuffer: ByteBuffer(string: #"<?xml version="1.0" encoding="UTF-8"?><Response/>"#)))
        }
        let (ports, ready) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ready.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next()!
            let output = try await Self.wrk(wrk, arguments + ["http://127.0.0.1:\(port)/webhooks/twilio/inbound"], output: dir.appendingPathComponent("bare.txt"))
            print("bare Hummingbird route, same requests (no checks, no database):")
            report(output, stored: nil, prepared: 0)
            tasks.cancelAll()
        }
    }

    /// One line per request: signature, a tab, the form body. Every MessageSid is new; one in a
    /// hundred texts is a keyword (STOP, then START from the same customer, or HELP).
    static func prepare(count: Int, customers: Int, to file: URL) throws {
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw ValidationError("cannot write \(file.path)") }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var chunk = ""
        let replies = ["Running 10 mins late", "Can we bring a friend?", "Thanks, see you then!", "Is there parking nearby?"]
        for i in 0..<count {
            let from = String(format: "+4477009%05d", i % customers)
            let body: String
            if i % 100 == 50 { body = ["STOP", "HELP", "START"][(i / 100) % 3] } else { body = replies[i % replies.count] }
            let params = [("MessageSid", String(format: "SM%032x", i)), ("AccountSid", "AC" + String(repeating: "0", count: 32)),
                          ("From", from), ("To", number), ("Body", body), ("NumSegments", "1"), ("ApiVersion", "2010-04-01")]
            let signature = TwilioProvider.signature(url: base + "/webhooks/twilio/inbound", params: params, token: token)
            chunk += signature + "\t" + FormBody.encode(params) + "\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
    }

    /// Each wrk thread sends its own share of the prepared requests (line n of every `threads`).
    static func lua(file: String, threads: Int) -> String {
        """
        local counter = 0
        local total = \(threads)
        function setup(thread)
          thread:set("id", counter)
          counter = counter + 1
        end
        function init(args)
          requests = {}
          local n = 0
          for line in io.lines("\(file)") do
            if n % total == id then
              local tab = line:find("\\t", 1, true)
              table.insert(requests, wrk.format("POST", nil,
                {["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = line:sub(1, tab - 1)},
                line:sub(tab + 1)))
            end
            n = n + 1
          end
          i = 0
        end
        function request()
          i = i + 1
          if i > #requests then i = 1 end
          return requests[i]
        end
        """
    }

    /// Runs wrk and waits without holding a thread: the server under test shares the process,
    /// and a blocked cooperative thread would be half of this machine's Swift concurrency.
    static func wrk(_ path: String, _ args: [String], output: URL) async throws -> String {
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else { throw ValidationError("cannot write \(output.path)") }
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        process.standardOutput = handle
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in done.resume() }
            do { try process.run() } catch { done.resume(throwing: error) }
        }
        try handle.close()
        return try String(contentsOf: output, encoding: .utf8)
    }

    static func inboundCount(_ store: Store) async throws -> Int {
        try await store.engine.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'").first()!.decode(column: "n", as: Int.self)
        }
    }

    /// Prints wrk's figures that matter, and what the database holds afterwards.
    static func report(_ output: String, stored: Int?, prepared: Int) {
        func value(after label: String) -> String? {
            output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
                .map { $0.trimmingCharacters(in: .whitespaces).dropFirst(label.count).trimmingCharacters(in: .whitespaces) }
        }
        let rate = value(after: "Requests/sec:") ?? "?"
        let p50 = value(after: "50%") ?? "?", p99 = value(after: "99%") ?? "?"
        let total = output.split(separator: "\n").first { $0.contains("requests in") }.map { String($0).trimmingCharacters(in: .whitespaces) } ?? "?"
        let errors = output.split(separator: "\n").filter { $0.contains("Non-2xx") || $0.contains("Socket errors") }.joined(separator: "; ")
        print("requests/s   p50      p99      stored texts   (\(total))")
        print(String(format: "%-12@ %-8@ %-8@ %@", rate as NSString, p50 as NSString, p99 as NSString, (stored.map(String.init) ?? "-") as NSString))
        if !errors.isEmpty { print("wrk: " + errors) }
        if let stored, stored >= prepared { print("note: wrk sent more than the \(prepared) prepared requests; repeats were answered as duplicates") }
    }
}
