import ArgumentParser
import CrierPluginKit
import Foundation
import Twilio

/// The load `crier-bench webhooks` sends: signed Twilio inbound texts from known customers,
/// prepared once to a file and replayed by wrk (a Lua script gives each thread its share).
struct WebhookLoad {
    static let token = "bench-token", number = "+447700900900", base = "http://bench.example"
    static let path = "/webhooks/twilio/inbound"

    let file: URL
    let script: URL
    let prepared: Int

    /// One line per request: signature, a tab, the form body. Every MessageSid is new; one in
    /// fifty texts is a keyword, STOP and START in turn.
    static func prepare(count: Int, customers: Int, threads: Int, in dir: URL) throws -> WebhookLoad {
        let file = dir.appendingPathComponent("requests.txt")
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw ValidationError("cannot write \(file.path)") }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var chunk = ""
        let replies = ["Running 10 mins late", "Can we bring a friend?", "Thanks, see you then!", "Is there parking nearby?"]
        for i in 0..<count {
            let from = String(format: "+4477009%05d", i % customers)
            let body: String
            if i % 50 == 25 { body = ["STOP", "START"][(i / 50) % 2] } else { body = replies[i % replies.count] }
            let params = [("MessageSid", String(format: "SM%032x", i)), ("AccountSid", "AC" + String(repeating: "0", count: 32)),
                          ("From", from), ("To", number), ("Body", body), ("NumSegments", "1"), ("ApiVersion", "2010-04-01")]
            let signature = TwilioProvider.signature(url: base + path, params: params, token: token)
            chunk += signature + "\t" + FormBody.encode(params) + "\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
        let script = dir.appendingPathComponent("requests.lua")
        try lua(file: file.path, threads: threads).write(to: script, atomically: true, encoding: .utf8)
        return WebhookLoad(file: file, script: script, prepared: count)
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
}

/// wrk's figures for one run.
struct WrkResult {
    var requestsPerSecond: Double
    var p50: String
    var p99: String
    /// p99 in milliseconds, for the budget check.
    var p99Milliseconds: Double
    var total: String
    var errors: String

    /// Runs wrk, its report written to `output`, and reads it.
    static func run(_ wrk: String, _ args: [String], output: URL) async throws -> WrkResult {
        guard FileManager.default.createFile(atPath: output.path, contents: nil) else { throw ValidationError("cannot write \(output.path)") }
        let handle = try FileHandle(forWritingTo: output)
        try await ChildProcess.run(wrk, args, output: handle)
        try handle.close()
        return parse(try String(contentsOf: output, encoding: .utf8))
    }

    static func parse(_ output: String) -> WrkResult {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func value(after label: String) -> String {
            lines.first { $0.hasPrefix(label) }.map { $0.dropFirst(label.count).trimmingCharacters(in: .whitespaces) } ?? "?"
        }
        let p99 = value(after: "99%")
        return WrkResult(
            requestsPerSecond: Double(value(after: "Requests/sec:")) ?? 0, p50: value(after: "50%"), p99: p99,
            p99Milliseconds: milliseconds(p99), total: lines.first { $0.contains("requests in") } ?? "?",
            errors: lines.filter { $0.contains("Non-2xx") || $0.contains("Socket errors") }.joined(separator: "; "))
    }

    /// wrk prints latencies as `812.00us`, `3.41ms` or `1.20s`.
    static func milliseconds(_ text: String) -> Double {
        for (unit, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return (Double(text.dropLast(unit.count)) ?? .nan) * scale
        }
        return .nan
    }

    static func executable() throws -> String {
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile) else {
            throw ValidationError("wrk is not installed (apt-get install wrk)")
        }
        return wrk
    }
}
