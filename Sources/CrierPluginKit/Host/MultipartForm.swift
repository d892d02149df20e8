import Foundation

/// A `multipart/form-data` body (RFC 7578): how a browser uploads a file with a form's fields.
public struct MultipartForm: Sendable {
    /// One uploaded file.
    public struct File: Sendable, Equatable {
        public var filename: String
        public var bytes: [UInt8]
    }

    /// Text parts by name (each name's first).
    public var fields: [String: String] = [:]
    /// File parts by name (each name's first).
    public var files: [String: File] = [:]

    /// Reads `body` when `contentType` is multipart with a boundary; nil otherwise or when malformed.
    public init?(contentType: String, body: [UInt8]) {
        guard let boundary = Self.boundary(of: contentType) else { return nil }
        let delimiter = Array(("--" + boundary).utf8)
        var positions: [Int] = []
        var i = 0
        while let found = Self.find(delimiter, in: body, from: i) {
            positions.append(found)
            i = found + delimiter.count
        }
        guard positions.count >= 2 else { return nil }
        for (start, end) in zip(positions, positions.dropFirst()) {
            // A part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
            var from = start + delimiter.count
            if from + 1 < body.count, body[from] == 13, body[from + 1] == 10 { from += 2 }
            guard let headerEnd = Self.find([13, 10, 13, 10], in: body, from: from), headerEnd < end else { continue }
            let headers = String(decoding: body[from..<headerEnd], as: UTF8.self)
            var contentEnd = end
            if contentEnd - 2 >= headerEnd + 4, body[contentEnd - 2] == 13, body[contentEnd - 1] == 10 { contentEnd -= 2 }
            let content = Array(body[(headerEnd + 4)..<max(headerEnd + 4, contentEnd)])
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = Self.parameter("name", in: String(disposition))
            else { continue }
            if let filename = Self.parameter("filename", in: String(disposition)) {
                if files[name] == nil { files[name] = File(filename: filename, bytes: content) }
            } else if fields[name] == nil {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
    }

    /// The boundary of a `multipart/form-data` Content-Type; nil for another type or none.
    static func boundary(of contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data",
              let boundaryPart = parts.first(where: { $0.lowercased().hasPrefix("boundary=") })
        else { return nil }
        var boundary = String(boundaryPart.dropFirst("boundary=".count))
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        return boundary.isEmpty ? nil : boundary
    }

    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.lowercased().hasPrefix(key + "=") else { continue }
            var value = String(trimmed.dropFirst(key.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
