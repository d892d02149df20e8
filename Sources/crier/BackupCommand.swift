import ArgumentParser
import CrierStore
import Foundation

/// `crier backup --to FILE`: a consistent copy of the SQLite database (and the plugins' file
/// beside it) while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the SQLite database while the server runs (PostgreSQL: pg_dump).")

    @OptionGroup var db: DatabaseOptions

    @Option(name: .customLong("to"), help: "The new file (the plugins' file is written beside it, as FILE-plugins).")
    var file: String

    func run() async throws {
        let files = try await db.withStore { store in
            do { return try await SQLiteBackup.write(store, to: file) } catch let refusal as SQLiteBackup.Refusal {
                note("error: \(refusal)")
                throw ExitCode(1)
            }
        }
        say("backed up to \(files.core)" + (files.plugins.map { " and \($0)" } ?? ""))
        note("provider secrets in it are encrypted: keep the secret key (CRIER_SECRET_KEY or its key file) too, stored apart from the backup")
    }
}

/// `crier restore --from FILE`: puts a backup in place as a new database (never over an existing one).
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Put a backup from crier backup in place as the database (which must not exist yet).")

    @OptionGroup var db: DatabaseOptions

    @Option(name: .customLong("from"), help: "The backup file crier backup wrote.")
    var file: String

    func run() async throws {
        guard case .sqlite(let path) = try db.url() else {
            note("error: crier restore puts back SQLite backups; for PostgreSQL use pg_restore or psql (see the README's \"Backups\")")
            throw ExitCode(1)
        }
        do {
            let files = try SQLiteBackup.restore(from: file, to: path)
            say("restored \(files.core)" + (files.plugins.map { " and \($0)" } ?? "") + "; start crier with --database sqlite://\(path)")
        } catch let refusal as SQLiteBackup.Refusal {
            note("error: \(refusal)")
            throw ExitCode(1)
        }
    }
}
