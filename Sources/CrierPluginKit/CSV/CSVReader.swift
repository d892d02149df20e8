/// Reads CSV as RFC 4180 writes it, and as spreadsheets save it: a UTF-8 byte order mark is
/// skipped, records end in CRLF or LF, quoted fields may hold commas, quotes and line breaks, and
/// the `'` that `CSVWriter` puts before a formula-like cell is taken off.
public struct CSVReader: Sendable {
    /// One record with the line it starts on (1-based, as a spreadsheet numbers rows).
    public struct Record: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// Why a file could not be read.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
        public var description: String { "line \(line): \(message)" }
    }

    /// Every record in `bytes`; blank lines are skipped. Throws on an unclosed quote or bytes that are not UTF-8.
    public static func records(_ bytes: [UInt8]) throws(Problem) -> [Record] {
        var stream = CSVStream()
        return try stream.feed(bytes) + stream.finish()
    }

    /// A cell without the `'` an export put before a formula-like start.
    static func unmarked(_ text: String) -> String {
        let utf8 = Array(text.utf8.prefix(2))
        guard utf8.count == 2, utf8[0] == UInt8(ascii: "'"), CSVWriter.formulaStarts.contains(utf8[1]) else { return text }
        return String(text.dropFirst())
    }
}
