import CrierPluginKit
import Foundation
import Testing

@testable import Exports

/// Column mapping: headers recognised without asking, choices over the guess, and refusals by field.
struct ImportMappingTests {
    struct Guess: Sendable, CustomTestStringConvertible {
        var header: [String]
        /// field → column, as "first_name=0 mobile=2"
        var expected: String
        var testDescription: String { header.joined(separator: "|") }
    }

    static let guesses: [Guess] = [
        Guess(header: ["first_name", "last_name", "mobile", "email", "notes"], expected: "first_name=0 last_name=1 mobile=2 email=3 notes=4"),
        Guess(header: ["First Name", "Surname", "Phone number", "E-mail"], expected: "first_name=0 last_name=1 mobile=2 email=3"),
        Guess(header: ["customer_id", "Forename", "Family name", "Tel."], expected: "first_name=1 last_name=2 mobile=3"),
        Guess(header: ["Name", "Number"], expected: ""),
        Guess(header: ["mobile", "Mobile"], expected: "mobile=0"),
    ]

    static func text(_ mapping: ImportMapping) -> String {
        ImportField.allCases.compactMap { field in mapping.columns[field].map { "\(field.rawValue)=\($0)" } }.joined(separator: " ")
    }

    @Test(arguments: guesses)
    func headersAreRecognised(_ g: Guess) {
        #expect(Self.text(ImportMapping.guess(g.header)) == g.expected)
    }

    @Test func choicesOverrideTheGuessAndRefusalsNameTheField() throws {
        let header = ["Name", "Surname", "Cell", "Phone"]
        let chosen = try ImportMapping.read(["first_name": "Name", "mobile": "Phone", "notes": ""], header: header)
        #expect(Self.text(chosen) == "first_name=0 last_name=1 mobile=3")
        #expect(throws: CrierError.invalid(FieldErrors("first_name", "needs a column: choose the one that holds the first name"))) {
            try ImportMapping.read([:], header: header)
        }
        #expect(throws: CrierError.invalid(FieldErrors("mobile", "names a column the file does not have: 'Fax'"))) {
            try ImportMapping.read(["first_name": "Name", "mobile": "Fax"], header: header)
        }
        #expect(throws: CrierError.self) { try ImportMapping.read(["first_name": "Name", "last_name": "Name", "mobile": "Cell"], header: header) }
    }

    @Test func rowsKeepTheirLinesAndSkipBlankOnes() throws {
        let records = try CSVReader.records(Array("first,last,mobile\r\nAnn,Lee,07700 900123\r\n,,\r\n\"Bo\nb\",,+447700900124\r\n".utf8))
        let rows = ImportMapping.guess(records[0].fields).rows(records)
        #expect(rows.map(\.line) == [2, 4])
        #expect(rows[1].input.firstName == "Bo\nb" && rows[1].input.lastName == nil && rows[1].input.mobile == "+447700900124")
    }

    @Test func uploadsAreCheckedBeforeStaging() {
        let uploads = ImportUploads(maxBytes: 64, keepFor: .seconds(60))
        func refusal(_ bytes: [UInt8]) -> String? {
            do { _ = try uploads.check(bytes); return nil } catch CrierError.invalid(let errors) { return errors.fields["file"] } catch { return "\(error)" }
        }
        #expect(refusal([]) == "is empty: choose a CSV file")
        #expect(refusal(Array(repeating: UInt8(ascii: "a"), count: 65)) == "is 65 bytes, over the 64 bytes limit for one import")
        #expect(refusal(Array("a,b\n1,\0".utf8)) == "is not a CSV file (it contains NUL bytes)")
        #expect(refusal([0x66, 0xFF, 0x0A, 0x31]) != nil)
        #expect(refusal(Array("first,mobile\n".utf8)) == "has no rows under its header line")
        #expect(refusal(Array("first,mobile\nAnn,07700900123\n".utf8)) == nil)
    }
}
