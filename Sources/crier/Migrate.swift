import ArgumentParser
import CrierStore

/// `crier migrate`: apply pending schema migrations and exit (serve also does this on start).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let applied = try await db.withStore { store in try await store.migrate() }
        print(applied == 0 ? "database is up to date" : "applied \(applied) migration(s)")
    }
}
