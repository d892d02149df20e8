/// How a text goes over the air: its encoding, length and the number of SMS segments it costs.
///
/// GSM-7 (the GSM 03.38 alphabet) fits 160 septets in one SMS, 153 per part once split; its
/// extension characters (€ [ ] { } ^ ~ | \ and form feed) take two septets and are never split
/// across parts. Anything else (an emoji, "ç", curly quotes) makes the whole text UCS-2: 70 UTF-16
/// units in one SMS, 67 per part, surrogate pairs kept whole.
public struct SMSMeasurement: Sendable, Equatable {
    public var encoding: SMSEncoding
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    public var units: Int
    /// Characters as a person counts them.
    public var characters: Int
    /// SMS parts the text is sent as (at least 1).
    public var segments: Int

    public init(_ text: String) {
        characters = text.count
        if let septets = GSM7.septets(text) {
            encoding = .gsm7
            units = septets.reduce(0, +)
            segments = Self.parts(septets, single: 160, multi: 153)
        } else {
            encoding = .ucs2
            let widths = text.unicodeScalars.map { $0.value > 0xFFFF ? 2 : 1 }
            units = widths.reduce(0, +)
            segments = Self.parts(widths, single: 70, multi: 67)
        }
    }

    /// Packs indivisible pieces into parts of `multi` units once the total exceeds `single`.
    static func parts(_ pieces: [Int], single: Int, multi: Int) -> Int {
        if pieces.reduce(0, +) <= single { return 1 }
        var parts = 1, used = 0
        for piece in pieces {
            if used + piece > multi {
                parts += 1
                used = 0
            }
            used += piece
        }
        return parts
    }
}

/// The two encodings an SMS body can have.
public enum SMSEncoding: String, Sendable, Codable {
    case gsm7 = "GSM-7"
    case ucs2 = "UCS-2"
}

/// The GSM 03.38 default alphabet and its extension table.
enum GSM7 {
    static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)
    static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// Septets per scalar, or nil when the text needs UCS-2.
    static func septets(_ text: String) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if basic.contains(scalar) { out.append(1) }
            else if extended.contains(scalar) { out.append(2) }
            else { return nil }
        }
        return out
    }
}
