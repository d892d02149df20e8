/// `multipart/form-data` read a chunk at a time, for uploads too big to hold: each part's headers
/// once they are complete, then its content in pieces as they arrive, holding no more than one
/// chunk and a delimiter's length. A chunk may end anywhere, inside a delimiter included.
public struct MultipartStream: Sendable {
    /// What the bytes fed so far completed.
    public enum Event: Sendable, Equatable {
        /// A part starts: its `name` and, for a file, its `filename` (from Content-Disposition).
        case part(name: String, filename: String?)
        case content([UInt8])
        case partEnd
    }

    /// The body is not multipart as its Content-Type says.
    public struct Malformed: Error, Sendable, Equatable {
        public var reason: String
    }

    enum State: Sendable { case preamble, afterDelimiter, headers, content, done }

    private let delimiter: [UInt8]
    private var state = State.preamble
    private var pending: [UInt8]
    private static let maxHeaderBytes = 16 * 1024

    /// A parser for `contentType`'s boundary; nil when it is not `multipart/form-data` with one.
    public init?(contentType: String) {
        guard let boundary = MultipartForm.boundary(of: contentType) else { return nil }
        delimiter = Array(("\r\n--" + boundary).utf8)
        // The first delimiter has no line break before it: read as if the body began with one.
        pending = [13, 10]
    }

    /// Whether the closing delimiter has been read.
    public var isComplete: Bool { state == .done }

    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws(Malformed) -> [Event] where Bytes.Element == UInt8 {
        guard state != .done else { return [] }
        pending.append(contentsOf: bytes)
        var events: [Event] = []
        var start = 0
        loop: while true {
            switch state {
            case .preamble, .content:
                if let found = Self.find(delimiter, in: pending, from: start) {
                    if state == .content {
                        if found > start { events.append(.content(Array(pending[start..<found]))) }
                        events.append(.partEnd)
                    }
                    start = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    // Keep what could be the start of a delimiter split across chunks.
                    let safe = max(start, pending.count - (delimiter.count - 1))
                    if state == .content, safe > start { events.append(.content(Array(pending[start..<safe]))) }
                    start = safe
                    break loop
                }
            case .afterDelimiter:
                guard pending.count - start >= 2 else { break loop }
                if pending[start] == UInt8(ascii: "-"), pending[start + 1] == UInt8(ascii: "-") {
                    state = .done
                    start = pending.count
                    break loop
                }
                if pending[start] == 13, pending[start + 1] == 10 { start += 2 }
                state = .headers
            case .headers:
                guard let end = Self.find([13, 10, 13, 10], in: pending, from: start) else {
                    if pending.count - start > Self.maxHeaderBytes { throw Malformed(reason: "a part's headers are too long") }
                    break loop
                }
                let headers = String(decoding: pending[start..<end], as: UTF8.self)
                guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                      let name = MultipartForm.parameter("name", in: String(disposition))
                else { throw Malformed(reason: "a part has no Content-Disposition name") }
                events.append(.part(name: name, filename: MultipartForm.parameter("filename", in: String(disposition))))
                start = end + 4
                state = .content
            case .done:
                break loop
            }
        }
        pending.removeFirst(start)
        return events
    }

    /// The input has ended: a body that never closed its last part is malformed.
    public func finish() throws(Malformed) {
        guard state == .done else { throw Malformed(reason: "the body ends before its closing boundary") }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count - from >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
