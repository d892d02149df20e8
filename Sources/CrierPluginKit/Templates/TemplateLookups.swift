import Foundation

/// Names a template looked up that its view did not have, recorded while a checked render runs
/// (tests turn it on per request with ``checking(_:)``; production renders never pay for it).
///
/// A name missing from every level is a template asking for something no view gives. A name
/// missing from a row but found in an outer level is the bug Mustache's context stack invites: a
/// row without `status` showing its page's `status`. Only the layout's `chrome` may be reached
/// from inside a row.
public final class TemplateLookups: @unchecked Sendable {
    @TaskLocal public static var current: TemplateLookups?

    /// The names shared by every level: the layout's data.
    public static let shared: Set<String> = ["chrome"]

    private let lock = NSLock()
    private var misses: [(name: String, view: String)] = []

    public init() {}

    func missed(_ name: String, in frame: TemplateFrame) {
        guard !Self.shared.contains(name) else { return }
        lock.withLock { misses.append((name, frame.view)) }
    }

    /// What went wrong, one line per name and view; empty when every lookup was the view's own.
    public var problems: [String] {
        lock.withLock { Array(Set(misses.map { "\($0.view) has no \"\($0.name)\"" })).sorted() }
    }

    /// Runs `body` recording every lookup a template makes outside its own view.
    public static func checking<T>(_ body: () async throws -> T) async rethrows -> (T, [String]) {
        let lookups = TemplateLookups()
        let result = try await $current.withValue(lookups) { try await body() }
        return (result, lookups.problems)
    }
}
