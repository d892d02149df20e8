/// Which built-in plugins to load, from `CRIER_PLUGINS`: unset loads them all; a comma-separated
/// list loads those; empty or `none` loads none. A name not built in stops start-up.
public struct PluginSelection: Sendable, Equatable {
    public let ids: [String]

    /// Reads `setting` against the ids of the built-in plugins (`known`, in their built-in order).
    public init(_ setting: String?, known: [String]) throws(PluginSelectionError) {
        guard let setting else {
            ids = known
            return
        }
        let names = setting.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        if names == ["none"] || names.isEmpty {
            ids = []
            return
        }
        let unknown = names.filter { !known.contains($0) }
        guard unknown.isEmpty else { throw PluginSelectionError(unknown: unknown, known: known) }
        // Built-in order, once each: it decides the navigation's order and which provider is listed first.
        ids = known.filter(names.contains)
    }
}

/// `CRIER_PLUGINS` named a plugin this server does not have.
public struct PluginSelectionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let unknown: [String]
    public let known: [String]

    public var description: String {
        let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
        return "CRIER_PLUGINS names \(unknown.count == 1 ? "a plugin" : "plugins") this server does not have: \(names). "
            + "Built in: \(known.joined(separator: ", ")) (or 'none')."
    }
}
