/// `application/x-www-form-urlencoded` bodies: what Twilio's and Vonage's APIs take and what their
/// webhooks send. Byte-level, because a dispatcher encodes one per message and a webhook decodes
/// one per request.
public enum FormBody {
    /// Encodes fields in order: unreserved bytes as they are, space as `+`, the rest `%XX` of UTF-8.
    public static func encode(_ fields: [(String, String)]) -> String {
        var out: [UInt8] = []
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: "&")) }
            escape(field.0, into: &out)
            out.append(UInt8(ascii: "="))
            escape(field.1, into: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func escape(_ text: String, into out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
    }

    /// Decodes a body into its pairs, in order (a name may repeat). `+` is a space; a `%` not
    /// followed by two hex digits stays as it is; bytes that are not UTF-8 become U+FFFD.
    public static func decode(_ body: some Collection<UInt8>) -> [(String, String)] {
        // One pass over contiguous bytes: a webhook decodes one body per request.
        let bytes = Array(body)
        return bytes.withUnsafeBufferPointer { buffer in
            var pairs: [(String, String)] = []
            var start = 0
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != UInt8(ascii: "&") { end += 1 }
                if end > start {
                    var equals = start
                    while equals < end && buffer[equals] != UInt8(ascii: "=") { equals += 1 }
                    let name = unescape(buffer, start, equals)
                    let value = equals < end ? unescape(buffer, equals + 1, end) : ""
                    pairs.append((name, value))
                }
                start = end + 1
            }
            return pairs
        }
    }

    public static func decode(_ body: String) -> [(String, String)] { decode(Array(body.utf8)) }

    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(to - from)
        var i = from
        while i < to {
            let byte = bytes[i]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), i + 2 < to, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(byte)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
