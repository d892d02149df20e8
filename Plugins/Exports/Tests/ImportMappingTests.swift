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

    /// Checked as it streams past, in pieces of any size (here 7 bytes), before anything is staged.
    @Test func uploadsAreCheckedBeforeStaging() async {
        func refusal(_ bytes: [UInt8]) async -> String? {
            let pieces = stride(from: 0, to: bytes.count, by: 7).map { Array(bytes[$0..<min($0 + 7, bytes.count)]) }
            do { _ = try await ImportFile.check(AsyncElements(pieces), maxBytes: 64); return nil } catch CrierError.invalid(let errors) {
                return errors.fields["file"]
            } catch { return "\(error)" }
        }
        #expect(await refusal([]) == "is empty: choose a CSV file")
        #expect(await refusal(Array(repeating: UInt8(ascii: "a"), count: 65)) == "is over the 64 bytes limit for one import")
        #expect(await refusal(Array("a,b\n1,\0".utf8)) == "is not a CSV file (it contains NUL bytes)")
        #expect(await refusal([0x66, 0xFF, 0x0A, 0x31]) != nil)
        #expect(await refusal(Array("first,mobile\n".utf8)) == "has no rows under its header line")
        #expect(await refusal(Array("first,mobile\nAnn,07700900123\n".utf8)) == nil)
    }

    /// Rows read back from pieces are the rows of the whole file.
    @Test func rowsStreamAsTheWholeFileReads() async throws {
        let text = "first,last,mobile\r\nAnn,Lee,07700 900123\r\n,,\r\n\"Bo\nb\",,+447700900124\r\n"
        let bytes = Array(text.utf8)
        let mapping = ImportMapping.guess(["first", "last", "mobile"])
        for size in [1, 3, 16, 1000] {
            let pieces = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
            var rows: [CustomerImportRow] = []
            for try await row in ImportFile.Rows(AsyncElements(pieces), mapping: mapping) { rows.append(row) }
            #expect(rows == mapping.rows(try CSVReader.records(bytes)), "pieces of \(size)")
        }
    }
}
