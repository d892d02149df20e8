import CrierPluginKit
import Testing

/// CSV written as RFC 4180 and read back: awkward values survive, formulas are neutralised.
struct CSVTests {
    static let awkward: [[String]] = [
        ["name", "notes", "mobile"],
        ["O'Neil, Sean", #"said "hi""#, "+447700900123"],
        ["Line\nbreak", "cr\r\nlf", "-5"],
        ["Zoë 🎉", "=SUM(A1:A9)", "@cmd"],
        ["\ttabbed", "\rcarriage", ""],
        ["'already quoted", "plain", "=1+1"],
    ]

    @Test
    func awkwardValuesSurviveARoundTrip() throws {
        var writer = CSVWriter(byteOrderMark: true)
        var bytes: [UInt8] = []
        for row in Self.awkward { bytes += writer.record(row) }
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let records = try CSVReader.records(bytes)
        #expect(records.map(\.fields) == Self.awkward)
        // Lines counted by LF, as editors number them: the two quoted line breaks of record 3 put record 4 on line 6.
        #expect(records.map(\.line) == [1, 2, 3, 6, 7, 8])
    }

    @Test
    func recordsAreQuotedOnlyWhenNeededAndFormulasNeutralised() {
        var writer = CSVWriter()
        #expect(String(decoding: writer.record(["a", "b c", "x,y", #"q"q"#]), as: UTF8.self) == "a,b c,\"x,y\",\"q\"\"q\"\r\n")
        #expect(String(decoding: writer.record(["=1+1", "+44", "-2", "@x", "\tt", "a=b"]), as: UTF8.self)
                == "'=1+1,'+44,'-2,'@x,'\tt,a=b\r\n")
        #expect(CSVWriter.neutralised("\rboom") == "'\rboom")
    }

    @Test
    func spreadsheetsFilesAreRead() throws {
        let lf = Array("first_name,last_name\nAnn,Lee\n\nBob,\"Ray\"\n".utf8)
        #expect(try CSVReader.records(lf).map(\.fields) == [["first_name", "last_name"], ["Ann", "Lee"], ["Bob", "Ray"]])
        #expect(try CSVReader.records(lf).map(\.line) == [1, 2, 4])
        #expect(try CSVReader.records(Array("a,b".utf8)).map(\.fields) == [["a", "b"]])
        #expect(try CSVReader.records(Array("a,,\r\n".utf8)).map(\.fields) == [["a", "", ""]])
        #expect(throws: CSVReader.Problem(line: 2, message: "has a quote that is never closed")) {
            try CSVReader.records(Array("a\n\"open,b\n".utf8))
        }
        #expect(throws: CSVReader.Problem(line: 1, message: "is not UTF-8 text (save the file as CSV UTF-8)")) {
            try CSVReader.records([0x41, 0xFF, 0x0A])
        }
    }

    /// Fed in pieces of any size (a piece may end inside a quoted line break, a doubled quote, a
    /// CRLF or the byte order mark), the stream reads what the whole file reads, problems included.
    @Test(arguments: [1, 2, 3, 4, 5, 7, 64, 100_000])
    func piecesOfAnySizeReadAsTheWhole(size: Int) throws {
        var writer = CSVWriter(byteOrderMark: true)
        var awkward: [UInt8] = []
        for row in Self.awkward { awkward += writer.record(row) }
        let files = [awkward, Array("first_name,last_name\nAnn,Lee\n\nBob,\"Ray\"\n".utf8), Array("a,b".utf8), Array("a,,\r\n".utf8),
                     Array("\"x\"\"y\",\"\"\r\n\r\nz\r".utf8), [0xEF, 0xBB], Array("a\n\"open,b\n".utf8), [0x41, 0xFF, 0x0A], []]
        for file in files {
            let whole = Result { () throws(CSVReader.Problem) in try CSVReader.records(file) }
            let pieces = Result { () throws(CSVReader.Problem) in
                var stream = CSVStream(), records: [CSVReader.Record] = []
                var start = 0
                while start < file.count {
                    records += try stream.feed(file[start..<min(start + size, file.count)])
                    start += size
                }
                return records + (try stream.finish())
            }
            #expect(whole == pieces, "\(file.count) bytes in pieces of \(size)")
        }
    }
}
