/// One of libphonenumber's patterns, compiled to run over a string of ASCII digits.
///
/// libphonenumber's metadata writes its ranges as regular expressions over digits only:
/// `\d`, `[2-9]`, groups (capturing or `(?:`), `|`, `?`, `*`, `+`, `{n}`, `{n,m}` and `$`.
/// This is that subset and no more, compiled once into a small program and run by
/// backtracking in the order Python's `re` tries alternatives, so captures and match ends
/// agree with the library's. A visited set of (step, position) pairs keeps the work linear in
/// the program's size times the number's length: a step that failed at a position fails again.
struct DigitPattern: Sendable {
    enum Step: Sendable {
        /// One digit from the set (bit d for digit d).
        case digit(UInt16)
        /// Try `first`, and on failure `second`.
        case branch(first: Int32, second: Int32)
        case jump(Int32)
        /// Record the position in capture slot n (2g opens group g, 2g+1 closes it).
        case save(Int16)
        /// Only at the end of the input.
        case end
        case accept
    }

    let steps: [Step]
    /// Capturing groups, numbered from 1 as in the pattern.
    let groupCount: Int

    /// Compiles a pattern; nil when it goes beyond the subset (the generator's tables never do).
    init?(_ pattern: String) {
        var parser = DigitPatternParser(Array(pattern.utf8))
        guard let tree = parser.parseAlternation(), parser.atEnd else { return nil }
        var emitter = DigitPatternEmitter()
        emitter.emit(tree)
        emitter.steps.append(.accept)
        steps = emitter.steps
        groupCount = parser.groups
    }

    /// True when the whole of `digits` matches (Python's `fullmatch`).
    func matchesWhole(_ digits: [UInt8]) -> Bool {
        run(digits, whole: true) != nil
    }

    /// The match at the start of `digits` (Python's `match`): where it ends, and each group's range.
    func matchPrefix(_ digits: [UInt8]) -> DigitMatch? {
        run(digits, whole: false)
    }

    /// The whole-string match with its groups, for formatting.
    func matchWhole(_ digits: [UInt8]) -> DigitMatch? {
        run(digits, whole: true)
    }

    private enum Work {
        case attempt(pc: Int, at: Int)
        case restore(slot: Int, value: Int)
    }

    private func run(_ digits: [UInt8], whole: Bool) -> DigitMatch? {
        let width = digits.count + 1
        var visited = [UInt64](repeating: 0, count: (steps.count * width + 63) / 64)
        var slots = [Int](repeating: -1, count: 2 * (groupCount + 1))
        var work: [Work] = [.attempt(pc: 0, at: 0)]
        while let item = work.popLast() {
            var pc: Int
            var at: Int
            switch item {
            case .restore(let slot, let value):
                slots[slot] = value
                continue
            case .attempt(let p, let a):
                pc = p
                at = a
            }
            thread: while true {
                let key = pc * width + at
                if visited[key >> 6] & (1 << UInt64(key & 63)) != 0 { break thread }
                visited[key >> 6] |= 1 << UInt64(key & 63)
                switch steps[pc] {
                case .digit(let set):
                    // A byte that is not a digit shifts past bit 15 and matches nothing.
                    guard at < digits.count, set & (1 << UInt16(digits[at] &- 48)) != 0 else { break thread }
                    pc += 1
                    at += 1
                case .branch(let first, let second):
                    work.append(.attempt(pc: Int(second), at: at))
                    pc = Int(first)
                case .jump(let target):
                    pc = Int(target)
                case .save(let slot):
                    work.append(.restore(slot: Int(slot), value: slots[Int(slot)]))
                    slots[Int(slot)] = at
                    pc += 1
                case .end:
                    guard at == digits.count else { break thread }
                    pc += 1
                case .accept:
                    guard !whole || at == digits.count else { break thread }
                    let groups = (1..<groupCount + 1).map { g -> Range<Int>? in
                        let (open, close) = (slots[2 * g], slots[2 * g + 1])
                        return open >= 0 && close >= open ? open..<close : nil
                    }
                    return DigitMatch(end: at, groups: groups)
                }
            }
        }
        return nil
    }
}

/// Where a pattern matched: the end of the match and each capturing group's range, if it took part.
struct DigitMatch: Sendable, Equatable {
    let end: Int
    let groups: [Range<Int>?]
}
