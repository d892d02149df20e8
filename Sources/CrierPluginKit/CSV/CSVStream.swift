/// `CSVReader` a chunk at a time: feed the bytes of a file as they arrive (an upload, a file read
/// in pieces) and get each record once it is complete, holding only the record being read. A chunk
/// may end anywhere: inside a field, a quoted line break, a doubled quote, a CRLF or the byte order
/// mark. Feeding a file whole or in any pieces gives the same records.
public struct CSVStream: Sendable {
    public typealias Record = CSVReader.Record
    public typealias Problem = CSVReader.Problem

    private var fields: [String] = []
    private var field: [UInt8] = []
    private var line = 1
    private var recordLine = 1
    private var quoted = false
    /// Inside quotes, a `"` was the chunk's last byte: the next byte says whether it was doubled.
    private var quoteAtEnd = false
    /// A CR ended the last record: an LF right after it belongs to it.
    private var afterCR = false
    /// The first bytes, held until it is known whether they are a UTF-8 byte order mark.
    private var head: [UInt8]? = []

    public init() {}

    /// The records completed by `bytes`.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws(Problem) -> [Record] where Bytes.Element == UInt8 {
        var out: [Record] = []
        guard let held = head else {
            try consume(bytes, into: &out)
            return out
        }
        let all = held + Array(bytes)
        if all.count < 3, all.elementsEqual(Self.byteOrderMark.prefix(all.count)) {
            head = all  // still maybe the mark: wait for more
            return out
        }
        head = nil
        try consume(all.starts(with: Self.byteOrderMark) ? all.dropFirst(3) : all[...], into: &out)
        return out
    }

    /// The last record, once the input has ended; throws if a quote was never closed.
    public mutating func finish() throws(Problem) -> [Record] {
        var out: [Record] = []
        if let held = head {
            head = nil
            try consume(held, into: &out)
        }
        if quoteAtEnd {
            quoteAtEnd = false
            quoted = false
        }
        if quoted { throw Problem(line: recordLine, message: "has a quote that is never closed") }
        if !field.isEmpty || !fields.isEmpty { try finishRecord(into: &out) }
        return out
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private mutating func consume<Bytes: Collection>(_ bytes: Bytes, into out: inout [Record]) throws(Problem) where Bytes.Element == UInt8 {
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 10 { continue }
            }
            if quoteAtEnd {
                quoteAtEnd = false
                if byte == UInt8(ascii: "\"") {
                    field.append(byte)
                    continue
                }
                quoted = false
            }
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    quoteAtEnd = true
                } else {
                    if byte == 10 { line += 1 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\""), field.isEmpty {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                try finishField()
            } else if byte == 13 || byte == 10 {
                afterCR = byte == 13
                try finishRecord(into: &out)
                line += 1
                recordLine = line
            } else {
                field.append(byte)
            }
        }
    }

    private mutating func finishField() throws(Problem) {
        guard let text = String(validating: field, as: UTF8.self) else {
            throw Problem(line: recordLine, message: "is not UTF-8 text (save the file as CSV UTF-8)")
        }
        fields.append(CSVReader.unmarked(text))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func finishRecord(into out: inout [Record]) throws(Problem) {
        try finishField()
        if !(fields.count == 1 && fields[0].isEmpty) { out.append(Record(line: recordLine, fields: fields)) }
        fields.removeAll(keepingCapacity: true)
    }
}
