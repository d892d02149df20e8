/// State a plugin builds from the journal. The host feeds it every entry in order, in batches; each
/// batch is applied in one transaction together with the move of the plugin's checkpoint, so the
/// state never counts an entry twice or misses one, even after a crash. With several instances on
/// PostgreSQL only one applies a given projection at a time.
public protocol JournalProjection: Sendable {
    /// Names the checkpoint within the plugin ("contacts"); never change it once released.
    var name: String { get }
    /// Applies `entries` (ascending ids, across every venue) to the plugin's tables through `db`,
    /// which is the batch's transaction. Throwing rolls the batch back; it is retried later.
    func apply(_ entries: [JournalEntry], in db: any SQLDatabase, services: PluginServices) async throws
    /// Empties what `apply` built, before a rebuild from the first entry (`crier {id} rebuild`).
    /// Data the plugin keeps that is not built from the journal (a note typed by staff) stays.
    func reset(in db: any SQLDatabase) async throws
}
