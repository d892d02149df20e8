import CrierCore
import Foundation
import Testing

/// Crier's normaliser against Google's libphonenumber (Python `phonenumbers`), on ~7,000 inputs
/// generated once by `scripts/fixtures/phone_numbers.py`.
///
/// The contract: every number libphonenumber calls a valid mobile (or, in North America,
/// "fixed line or mobile") we accept, with the same E.164; every valid landline or service
/// number and every impossible number we refuse. The wider comparison, on every region, is
/// `Tests/e2e/test_phone_numbers.py`.
struct PhoneNumberFixtureTests {
    struct Row: Decodable, Sendable, CustomTestStringConvertible {
        let input: String
        let region: String
        let parsed: Bool
        let possible: Bool?
        let valid: Bool?
        let type: String?
        let e164: String?
        let number_region: String?
        var testDescription: String { "\(input) [\(region)]" }
    }

    static let rows: [Row] = {
        let url = Bundle.module.url(forResource: "Fixtures/phone_numbers", withExtension: "json")!
        struct File: Decodable { let rows: [Row] }
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).rows
    }()

    /// Regions whose numbers Crier claims to judge (+44's crown dependencies share the UK plan).
    static let judged: Set<String> = Set(NumberingPlans.supportedRegions).union(["001"])

    @Test func fixturesAreLarge() {
        #expect(Self.rows.count > 5000)
    }

    @Test func agreesWithLibphonenumber() {
        var disagreements: [String] = []
        for row in Self.rows {
            let ours = try? PhoneNumber.parse(row.input, defaultRegion: row.region)
            guard row.parsed else {
                if let ours { disagreements.append("\(row.testDescription): libphonenumber can't parse it, we gave \(ours)") }
                continue
            }
            let judged = row.number_region.map(Self.judged.contains) ?? false
            let mobile = row.type == "MOBILE" || row.type == "FIXED_LINE_OR_MOBILE"
            if row.valid == true, judged, mobile {
                if ours?.e164 != row.e164 {
                    disagreements.append("\(row.testDescription): valid mobile \(row.e164 ?? "") but we gave \(ours?.e164 ?? "an error")")
                }
            } else if row.valid == true, judged {
                if let ours { disagreements.append("\(row.testDescription): a \(row.type ?? "") number, but we accepted \(ours)") }
            } else if row.possible == false {
                if let ours, row.number_region == nil || judged {
                    disagreements.append("\(row.testDescription): impossible number, but we accepted \(ours)")
                }
            } else if let ours, row.valid == false, row.e164 != ours.e164 {
                disagreements.append("\(row.testDescription): we read \(ours), libphonenumber \(row.e164 ?? "")")
            }
        }
        #expect(disagreements.isEmpty, Comment(rawValue: "\(disagreements.count) disagreements:\n" + disagreements.prefix(40).joined(separator: "\n")))
    }
}
