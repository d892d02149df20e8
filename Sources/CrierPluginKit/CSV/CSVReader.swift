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
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var quoted = false
        var i = start
        func finishField() throws(Problem) {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw Problem(line: recordLine, message: "is not UTF-8 text (save the file as CSV UTF-8)")
            }
            fields.append(unmarked(text))
            field.removeAll(keepingCapacity: true)
        }
        func finishRecord() throws(Problem) {
            try finishField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let byte = bytes[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == 10 { line += 1 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\""), field.isEmpty {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                try finishField()
            } else if byte == 13 || byte == 10 {
                if byte == 13, i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
                try finishRecord()
                line += 1
                recordLine = line
            } else {
                field.append(byte)
            }
            i += 1
        }
        if quoted { throw Problem(line: recordLine, message: "has a quote that is never closed") }
        if !field.isEmpty || !fields.isEmpty { try finishRecord() }
        return records
    }

    /// A cell without the `'` an export put before a formula-like start.
    static func unmarked(_ text: String) -> String {
        let utf8 = Array(text.utf8.prefix(2))
        guard utf8.count == 2, utf8[0] == UInt8(ascii: "'"), CSVWriter.formulaStarts.contains(utf8[1]) else { return text }
        return String(text.dropFirst())
    }
}
