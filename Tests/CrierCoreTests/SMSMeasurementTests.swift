import CrierCore
import Foundation
import Testing

/// Encodings and segment counts against fixtures refereed by Python's `gsm0338` codec
/// (`scripts/fixtures/sms_segments.py`).
struct SMSMeasurementTests {
    struct Row: Decodable, Sendable {
        let text: String
        let encoding: String
        let units: Int
        let segments: Int
    }

    static let rows: [Row] = {
        let url = Bundle.module.url(forResource: "Fixtures/sms_segments", withExtension: "json")!
        struct File: Decodable { let rows: [Row] }
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).rows
    }()

    @Test func agreesWithTheGSM0338Referee() {
        #expect(Self.rows.count > 400)
        for row in Self.rows {
            let m = SMSMeasurement(row.text)
            #expect(m.encoding.rawValue == row.encoding, "\(row.text.debugDescription)")
            #expect(m.units == row.units, "\(row.text.debugDescription)")
            #expect(m.segments == row.segments, "\(row.text.debugDescription)")
        }
    }

    @Test func boundaries() {
        #expect(SMSMeasurement(String(repeating: "a", count: 160)).segments == 1)
        #expect(SMSMeasurement(String(repeating: "a", count: 161)).segments == 2)
        #expect(SMSMeasurement("Fish & Chips €5").encoding == .gsm7)
        #expect(SMSMeasurement("Fish & Chips €5").units == 16)  // € takes two septets
        #expect(SMSMeasurement("See you there 🎉").encoding == .ucs2)
        #expect(SMSMeasurement(String(repeating: "ç", count: 70)).segments == 1)
        #expect(SMSMeasurement(String(repeating: "ç", count: 71)).segments == 2)
        // An escape pair is never split: 152 septets then € (2) spills into part two.
        #expect(SMSMeasurement(String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 10)).segments == 2)
    }
}
