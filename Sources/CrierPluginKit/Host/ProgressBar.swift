import Foundation

/// Progress of a long CLI job on standard error: `label [#####.....] 52% 520,000/1,000,000`.
/// On a terminal it redraws one line at most ten times a second; piped, it writes a line every
/// tenth of the way, so logs stay short.
public final class ProgressBar: @unchecked Sendable {
    let label: String
    let total: Int
    let interactive: Bool
    let write: @Sendable (String) -> Void
    // Guarded by `lock`: a progress bar may be advanced from one task while another finishes it.
    let lock = NSLock()
    var done = 0
    var lastDrawn = Date.distantPast
    var lastTenth = -1

    public init(label: String, total: Int, interactive: Bool, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.total = max(total, 0)
        self.interactive = interactive
        self.write = write
    }

    /// Marks `count` more steps done.
    public func advance(by count: Int) {
        lock.lock()
        done += count
        let line = due() ? render() : nil
        lock.unlock()
        if let line { write(interactive ? "\r" + line : line + "\n") }
    }

    /// Draws the final state and ends the line.
    public func finish() {
        lock.lock()
        let line = render()
        lock.unlock()
        write(interactive ? "\r" + line + "\n" : line + "\n")
    }

    func due() -> Bool {
        if interactive {
            let now = Date()
            guard now.timeIntervalSince(lastDrawn) >= 0.1 else { return false }
            lastDrawn = now
            return true
        }
        let tenth = total > 0 ? min(done * 10 / total, 10) : 0
        guard tenth > lastTenth else { return false }
        lastTenth = tenth
        return true
    }

    func render() -> String {
        let fraction = total > 0 ? min(Double(done) / Double(total), 1) : 1
        let filled = Int(fraction * 30)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
        return "\(label) [\(bar)] \(Int(fraction * 100))% \(Self.grouped(done))/\(Self.grouped(total))"
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
