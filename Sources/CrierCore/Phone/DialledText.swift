/// What someone typed as a phone number, reduced to its digits: whether it began with a plus,
/// and any extension written after it.
///
/// Accepts what people write and libphonenumber reads: spaces and the punctuation of its
/// `VALID_PUNCTUATION` (hyphens and dashes of every width, dots, slashes, brackets), any
/// script's decimal digits (full-width `０７７００`), a `tel:` URI, and a trailing extension
/// ("x12", "ext. 12", ";ext=12", "- 503#"). Letters elsewhere are refused: a guest's mobile is
/// never a vanity number, and "07700 9OO123" is a typo to show, not to guess at.
struct DialledText: Sendable, Equatable {
    var digits: [UInt8]
    var plus: Bool
    var hasExtension: Bool

    /// libphonenumber's separators between digits.
    private static let punctuation: Set<Character> = Set(
        "-\u{2010}\u{2011}\u{2012}\u{2013}\u{2014}\u{2015}\u{2212}\u{30FC}\u{FF0D}\u{FF0E}\u{FF0F}"
            + " \u{00A0}\u{00AD}\u{200B}\u{2060}\u{3000}\t()\u{FF08}\u{FF09}\u{FF3B}\u{FF3D}.[]/~\u{2053}\u{223C}\u{FF5E}")

    static func read(_ text: String) throws(PhoneNumberError) -> DialledText {
        if text.utf8.count > 250 { throw .tooLong }
        var number = Substring(text).trimmingSpaces
        if number.isEmpty { throw .empty }
        var hasExtension = false
        if number.prefix(4).lowercased() == "tel:" {
            (number, hasExtension) = uri(number.dropFirst(4))
        } else if let cut = extensionStart(number) {
            number = number[..<cut]
            hasExtension = true
        }
        var reading = DialledText(digits: [], plus: false, hasExtension: hasExtension)
        for character in number {
            if let digit = character.decimalDigit {
                reading.digits.append(UInt8(ascii: "0") + digit)
            } else if character == "+" || character == "\u{FF0B}" {
                guard reading.digits.isEmpty else { throw .notANumber }  // a plus only leads
                reading.plus = true
            } else if !punctuation.contains(character) {
                throw .notANumber
            }
        }
        if reading.digits.isEmpty { throw hasExtension ? .tooShort : .notANumber }
        if reading.digits.count < 3 { throw .tooShort }
        return reading
    }

    /// RFC 3966: `tel:+44-7700-900123;ext=12`, or a local number with `;phone-context=+44`.
    private static func uri(_ body: Substring) -> (Substring, extension: Bool) {
        let parts = body.split(separator: ";", omittingEmptySubsequences: false)
        var number = parts.first ?? ""
        var hasExtension = false
        for parameter in parts.dropFirst() {
            let lowered = parameter.lowercased()
            if lowered.hasPrefix("ext=") { hasExtension = true }
            if lowered.hasPrefix("phone-context="), parameter.dropFirst(14).first == "+" {
                number = Substring(String(parameter.dropFirst(14)) + String(number))
            }
        }
        return (number, hasExtension)
    }

    /// Where a trailing extension starts, if the text ends in one: a label ("ext", "x", "#",
    /// ",,", ";"), optional ":" or ".", then up to 20 digits and an optional "#"; or the American
    /// "- 503#". Checked only when such a character is present: the common case stays cheap.
    private static func extensionStart(_ text: Substring) -> Substring.Index? {
        guard text.contains(where: { $0.isLetter || "#,;~\u{FF03}".contains($0) }) else { return nil }
        var end = text.endIndex
        let hash = text.last == "#" || text.last == "\u{FF03}"
        if hash { end = text.index(before: end) }
        var start = end
        while start > text.startIndex, text[text.index(before: start)].decimalDigit != nil {
            start = text.index(before: start)
        }
        let digitCount = text.distance(from: start, to: end)
        guard (1...20).contains(digitCount) else { return nil }
        var cursor = start
        func back(while allowed: (Character) -> Bool) {
            while cursor > text.startIndex, allowed(text[text.index(before: cursor)]) { cursor = text.index(before: cursor) }
        }
        back { " \u{00A0}\t,-".contains($0) }
        let separated = cursor < start
        if text[cursor..<start].contains(",") {
            // "07700 900123,,12" or ", 12": commas are the label (auto-dialled extensions).
            back { " \u{00A0}\t".contains($0) }
            return text[..<cursor].filter({ $0.decimalDigit != nil }).count >= 3 ? cursor : nil
        }
        if cursor > text.startIndex, ":.\u{FF0E}".contains(text[text.index(before: cursor)]) {
            cursor = text.index(before: cursor)
        }
        let head = text[..<cursor].lowercased()
        let labels = ["extension", "extensión", "extensio\u{301}n", "extn", "ext", "xtn", "xt", "anexo", "доб",
                      "ｅｘｔｎ", "ｅｘｔ", "ｘｔｎ", "ｘｔ", "x", "ｘ", "#", "＃", "~", "～", "int", "ｉｎｔ", ";"]
        if let label = labels.first(where: { head.hasSuffix($0) }) {
            let before = head.dropLast(label.count)
            guard before.filter({ $0.decimalDigit != nil }).count >= 3 else { return nil }
            return text.index(text.startIndex, offsetBy: before.count)
        }
        // "(530) 583-6985 - 503#": an extension only when a hash ends it.
        if hash, separated, digitCount <= 6, text[..<cursor].contains(where: { $0.decimalDigit != nil }) {
            return cursor
        }
        return nil
    }
}

extension Character {
    /// The value of a decimal digit in any script ("7", "７", "٧"), or nil.
    var decimalDigit: UInt8? {
        guard let scalar = unicodeScalars.first, unicodeScalars.count == 1,
              scalar.properties.numericType == .decimal, let value = wholeNumberValue
        else { return nil }
        return UInt8(value)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
