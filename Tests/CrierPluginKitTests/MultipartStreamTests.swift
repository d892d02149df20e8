import CrierPluginKit
import Testing

/// A multipart body fed in pieces of any size (a piece may end inside a delimiter or a part's
/// headers) gives the parts and contents `MultipartForm` reads from the whole body.
struct MultipartStreamTests {
    static let type = "multipart/form-data; boundary=\"----b7MA4\""
    static let body = Array("""
        ------b7MA4\r
        Content-Disposition: form-data; name="csrf_token"\r
        \r
        tok-123\r
        ------b7MA4\r
        Content-Disposition: form-data; name="file"; filename="guests.csv"\r
        Content-Type: text/csv\r
        \r
        first,last\r
        Ann,"Lee\r
        ------b7MA is nearly the boundary"\r
        \r
        ------b7MA4--\r

        """.utf8)

    @Test(arguments: [1, 2, 5, 13, 64, 10_000])
    func piecesOfAnySizeReadAsTheWhole(size: Int) throws {
        var stream = try #require(MultipartStream(contentType: Self.type))
        var parts: [(name: String, filename: String?, content: [UInt8])] = []
        var start = 0
        while start < Self.body.count {
            for event in try stream.feed(Self.body[start..<min(start + size, Self.body.count)]) {
                switch event {
                case .part(let name, let filename): parts.append((name, filename, []))
                case .content(let bytes): parts[parts.count - 1].content += bytes
                case .partEnd: break
                }
            }
            start += size
        }
        try stream.finish()
        let whole = try #require(MultipartForm(contentType: Self.type, body: Self.body))
        #expect(parts.map(\.name) == ["csrf_token", "file"])
        #expect(String(decoding: parts[0].content, as: UTF8.self) == whole.fields["csrf_token"])
        #expect(parts[1].filename == "guests.csv" && parts[1].content == whole.files["file"]?.bytes)
    }

    @Test func aBodyThatNeverClosesIsMalformed() throws {
        var stream = try #require(MultipartStream(contentType: Self.type))
        _ = try stream.feed(Self.body.prefix(120))
        #expect(throws: MultipartStream.Malformed.self) { try stream.finish() }
        #expect(MultipartStream(contentType: "text/csv") == nil)
    }
}
