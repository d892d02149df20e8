/// Comparing secrets (signatures, tokens) without leaking, through the time taken, how much of a
/// guess was right.
public enum ConstantTime {
    /// Compares every byte whatever the first difference.
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
