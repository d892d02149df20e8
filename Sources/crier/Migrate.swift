import ArgumentParser
import CrierServer
import CrierStore

/// `crier migrate`: apply pending schema migrations and exit (serve also does this on start).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let applied = try await withPlugins { host in
            try await db.withStore { store in
                let core = try await store.migrate()
                return core + (try await host.migrate(store))
            }
        }
        print(applied == 0 ? "database is up to date" : "applied \(applied) migration(s)")
    }
}
