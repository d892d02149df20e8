/// The parsed form of a `DigitPattern`, before it becomes steps.
indirect enum DigitPatternNode: Sendable {
    case digits(UInt16)
    case sequence([DigitPatternNode])
    case either([DigitPatternNode])
    case group(DigitPatternNode, capture: Int?)
    case repeated(DigitPatternNode, min: Int, max: Int?)
    case end
}

/// Reads libphonenumber's pattern subset; returns nil on anything outside it.
struct DigitPatternParser {
    private let text: [UInt8]
    private var at = 0
    /// Capturing groups seen so far.
    private(set) var groups = 0

    init(_ text: [UInt8]) { self.text = text }

    var atEnd: Bool { at == text.count }

    private func peek(_ offset: Int = 0) -> UInt8? {
        at + offset < text.count ? text[at + offset] : nil
    }

    mutating func parseAlternation() -> DigitPatternNode? {
        var options: [DigitPatternNode] = []
        repeat {
            if !options.isEmpty { at += 1 }  // the "|"
            guard let sequence = parseSequence() else { return nil }
            options.append(sequence)
        } while peek() == UInt8(ascii: "|")
        return options.count == 1 ? options[0] : .either(options)
    }

    private mutating func parseSequence() -> DigitPatternNode? {
        var items: [DigitPatternNode] = []
        while let c = peek(), c != UInt8(ascii: "|"), c != UInt8(ascii: ")") {
            guard let atom = parseAtom(), let item = parseQuantifier(atom) else { return nil }
            items.append(item)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private mutating func parseAtom() -> DigitPatternNode? {
        guard let c = peek() else { return nil }
        at += 1
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .digits(1 << UInt16(c - 48))
        case UInt8(ascii: "\\"):
            guard peek() == UInt8(ascii: "d") else { return nil }
            at += 1
            return .digits(0x3FF)
        case UInt8(ascii: "$"):
            return .end
        case UInt8(ascii: "["):
            return parseSet()
        case UInt8(ascii: "("):
            var capture: Int? = nil
            if peek() == UInt8(ascii: "?") {
                guard peek(1) == UInt8(ascii: ":") else { return nil }
                at += 2
            } else {
                groups += 1
                capture = groups
            }
            guard let inner = parseAlternation(), peek() == UInt8(ascii: ")") else { return nil }
            at += 1
            return .group(inner, capture: capture)
        default:
            return nil
        }
    }

    private mutating func parseSet() -> DigitPatternNode? {
        var set: UInt16 = 0
        while let c = peek(), c != UInt8(ascii: "]") {
            at += 1
            if c == UInt8(ascii: "\\"), peek() == UInt8(ascii: "d") {
                at += 1
                set |= 0x3FF
                continue
            }
            guard (48...57).contains(c) else { return nil }
            if peek() == UInt8(ascii: "-"), let high = peek(1), (48...57).contains(high), high >= c {
                at += 2
                for d in c...high { set |= 1 << UInt16(d - 48) }
            } else {
                set |= 1 << UInt16(c - 48)
            }
        }
        guard peek() == UInt8(ascii: "]") else { return nil }
        at += 1
        return .digits(set)
    }

    private mutating func parseQuantifier(_ atom: DigitPatternNode) -> DigitPatternNode? {
        switch peek() {
        case UInt8(ascii: "?"): at += 1; return .repeated(atom, min: 0, max: 1)
        case UInt8(ascii: "*"): at += 1; return .repeated(atom, min: 0, max: nil)
        case UInt8(ascii: "+"): at += 1; return .repeated(atom, min: 1, max: nil)
        case UInt8(ascii: "{"):
            at += 1
            guard let low = number() else { return nil }
            var high: Int? = low
            if peek() == UInt8(ascii: ",") {
                at += 1
                high = peek() == UInt8(ascii: "}") ? nil : number()
                if high == nil && peek() != UInt8(ascii: "}") { return nil }
            }
            guard peek() == UInt8(ascii: "}"), high.map({ $0 >= low }) ?? true else { return nil }
            at += 1
            return .repeated(atom, min: low, max: high)
        default:
            return atom
        }
    }

    private mutating func number() -> Int? {
        var value: Int? = nil
        while let c = peek(), (48...57).contains(c) {
            value = (value ?? 0) * 10 + Int(c - 48)
            at += 1
        }
        return value
    }
}

/// Lays a parsed pattern out as steps, in the priority order Python's `re` tries them.
struct DigitPatternEmitter {
    var steps: [DigitPattern.Step] = []

    mutating func emit(_ node: DigitPatternNode) {
        switch node {
        case .digits(let set):
            steps.append(.digit(set))
        case .end:
            steps.append(.end)
        case .sequence(let items):
            for item in items { emit(item) }
        case .group(let inner, let capture):
            if let capture { steps.append(.save(Int16(2 * capture))) }
            emit(inner)
            if let capture { steps.append(.save(Int16(2 * capture + 1))) }
        case .either(let options):
            var exits: [Int] = []
            for (index, option) in options.enumerated() {
                if index == options.count - 1 {
                    emit(option)
                } else {
                    let branch = placeholder()
                    emit(option)
                    exits.append(placeholder())
                    steps[branch] = .branch(first: Int32(branch + 1), second: Int32(steps.count))
                }
            }
            for exit in exits { steps[exit] = .jump(Int32(steps.count)) }
        case .repeated(let inner, let min, let max):
            for _ in 0..<min { emit(inner) }
            if let max {
                // Greedy optional copies; giving up on one skips all the rest.
                var skips: [Int] = []
                for _ in 0..<(max - min) {
                    skips.append(placeholder())
                    emit(inner)
                }
                for skip in skips { steps[skip] = .branch(first: Int32(skip + 1), second: Int32(steps.count)) }
            } else {
                let loop = placeholder()
                emit(inner)
                steps.append(.jump(Int32(loop)))
                steps[loop] = .branch(first: Int32(loop + 1), second: Int32(steps.count))
            }
        }
    }

    private mutating func placeholder() -> Int {
        steps.append(.accept)
        return steps.count - 1
    }
}
