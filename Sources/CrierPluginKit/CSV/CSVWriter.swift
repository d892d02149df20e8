/// CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field quoted when it
/// holds a comma, a quote, CR or LF (quotes inside doubled). Cells that a spreadsheet would run as
/// a formula (starting with = + - @ tab or CR) get a leading `'`, so an export opened in Excel
/// cannot run what a customer typed; `CSVReader` takes that mark off again.
public struct CSVWriter: Sendable {
    /// Starts the output with a UTF-8 byte order mark, which Excel needs to read UTF-8.
    public var byteOrderMark: Bool
    private var started = false

    public init(byteOrderMark: Bool = false) {
        self.byteOrderMark = byteOrderMark
    }

    /// The bytes of one record (and, first time, of the byte order mark).
    public mutating func record(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        if !started {
            started = true
            if byteOrderMark { out += [0xEF, 0xBB, 0xBF] }
        }
        Self.append(fields, to: &out)
        return out
    }

    /// Appends one record, CRLF-terminated.
    public static func append(_ fields: [String], to out: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            let cell = neutralised(field)
            let utf8 = cell.utf8
            if utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 13 || $0 == 10 }) {
                out.append(UInt8(ascii: "\""))
                for byte in utf8 {
                    if byte == UInt8(ascii: "\"") { out.append(byte) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out += utf8
            }
        }
        out += [13, 10]
    }

    /// The characters that make a spreadsheet read a cell as a formula.
    static let formulaStarts: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13]

    /// `cell` with a leading `'` when it would start a formula.
    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.utf8.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }
}
