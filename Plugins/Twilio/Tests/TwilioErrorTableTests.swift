import CrierPluginKit
import Foundation
import Testing

@testable import Twilio

/// Recorded Twilio API answers (`Recorded/*.json`) and what each must mean for the message.
struct TwilioErrorTableTests {
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name = ""
        let status: UInt
        let expect: String
        let body: AnyJSON?
        var testDescription: String { name }
        enum CodingKeys: String, CodingKey { case status, expect, body }
    }

    /// Keeps a JSON value as its raw bytes.
    struct AnyJSON: Decodable, Sendable {
        let data: Data
        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer().decode(JSONAny.self)
            data = try JSONSerialization.data(withJSONObject: value.object, options: [.fragmentsAllowed])
        }
    }

    static let cases: [Case] = {
        let dir = Bundle.module.url(forResource: "Recorded", withExtension: nil)!
        let files = try! FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
        return files.sorted { $0.lastPathComponent < $1.lastPathComponent }.map { url in
            var c = try! JSONDecoder().decode(Case.self, from: Data(contentsOf: url))
            c.name = url.deletingPathExtension().lastPathComponent
            return c
        }
    }()

    @Test(arguments: cases)
    func classifies(_ c: Case) {
        let outcome = TwilioErrors.outcome(status: c.status, body: c.body?.data ?? Data())
        #expect(Self.describe(outcome) == c.expect)
    }

    @Test func thereAreRecordings() { #expect(Self.cases.count >= 12) }

    static func describe(_ o: SendOutcome) -> String {
        switch o {
        case .accepted(let id, let segments): return "accepted \(id) \(segments.map(String.init) ?? "-")"
        case .retryable(let code, _): return "retryable \(code ?? "-")"
        case .permanent(let code, _): return "permanent \(code ?? "-")"
        case .optedOut(let code, _): return "optedOut \(code ?? "-")"
        case .unknown: return "unknown"
        }
    }
}

/// Any JSON, decoded into Foundation objects.
struct JSONAny: Decodable {
    let object: Any
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { object = NSNull() }
        else if let b = try? c.decode(Bool.self) { object = b }
        else if let i = try? c.decode(Int.self) { object = i }
        else if let d = try? c.decode(Double.self) { object = d }
        else if let s = try? c.decode(String.self) { object = s }
        else if let a = try? c.decode([JSONAny].self) { object = a.map(\.object) }
        else { object = try c.decode([String: JSONAny].self).mapValues(\.object) }
    }
}
