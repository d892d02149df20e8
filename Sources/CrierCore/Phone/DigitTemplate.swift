/// libphonenumber's replacement templates: text with `\1`-style references to a match's groups.
enum DigitTemplate {
    /// The template with each `\n` replaced by group n's digits (a group that took no part: nothing).
    static func expand(_ template: String, groups: [Range<Int>?], in digits: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = template.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard let next = bytes.next() else { break }
            let group = Int(next) - 48
            if group >= 1, group <= groups.count, let range = groups[group - 1] {
                out.append(contentsOf: digits[range])
            } else if !(0...9).contains(group) {
                out.append(next)
            }
        }
        return out
    }
}
