import ArgumentParser
import CrierBuiltIns
import CrierCore
import CrierPluginKit
import CrierServer
import CrierStore
import Foundation
import Logging

/// `crier`: the server and its administration commands. `crier` alone is `crier serve`.
struct Crier: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crier",
        abstract: "SMS bookings, confirmations and reminders for venues.",
        version: CrierVersion.description,
        subcommands: [Serve.self, Migrate.self, AdminCommand.self, VenueCommand.self, APIKeyCommand.self, RemindersCommand.self,
                      SecretsCommand.self, CustomersCommand.self, BackupCommand.self, RestoreCommand.self, PhoneCommand.self],
        defaultSubcommand: Serve.self)
}

/// `--database URL`, taken by every command (env `CRIER_DATABASE_URL`; default `./crier.sqlite`).
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:///path/file.sqlite or postgres://user:pass@host:5432/db (env CRIER_DATABASE_URL)")
    var database: String?

    func url() throws -> DatabaseURL {
        let text = database ?? ProcessInfo.processInfo.environment["CRIER_DATABASE_URL"]
        guard let text, !text.isEmpty else { return .default }
        do { return try DatabaseURL(text) } catch { throw ValidationError(error.description) }
    }

    /// How long a command waits for the database to answer at all before giving up (PostgreSQL's
    /// client would otherwise retry connecting for as long as the first statement's deadline).
    static let reachWithin: Double = 10

    /// Opens the store, checks it answers, runs `body` with its connections alive, and turns refusals into a
    /// message and exit code 1.
    func withStore<T: Sendable>(clock: any Clock = SystemClock(), _ body: @Sendable (Store) async throws -> T) async throws -> T {
        let logger = Logging.make()
        let url = try url()
        do {
            let store = try await Store.open(url, clock: clock, logger: logger)
            return try await store.withRunning { store in
                do {
                    try await store.engine.read(deadline: Self.reachWithin) { db in try await db.raw("SELECT 1 AS one").run() }
                } catch let error as StoreUnavailable {
                    FileHandle.standardError.write(Data("""
                        error: cannot reach the database at \(url.redacted) within \(Int(Self.reachWithin)) s (\(error)); \
                        is it running, and is --database or CRIER_DATABASE_URL right?\n
                        """.utf8))
                    throw ExitCode(1)
                }
                return try await body(store)
            }
        } catch let error as CrierError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch let error as ExitCode {
            throw error
        } catch let error as KeyringError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch let error as CommandError {
            // A plugin command's refusal: its own message and status (PluginCommandLine prints it).
            throw error
        } catch {
            FileHandle.standardError.write(Data("error: \(url.redacted): \(String(describing: error))\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// The process-wide log setup: stderr, level from `CRIER_LOG_LEVEL` (default info), format from
/// `CRIER_LOG_FORMAT` (text on a terminal, JSON lines otherwise). `CrierMain` refuses bad values
/// before anything runs, so here they have already been checked.
enum Logging {
    static func settings() throws(LogSettings.Refusal) -> LogSettings {
        try LogSettings(environment: ProcessInfo.processInfo.environment, terminal: isatty(2) == 1)
    }

    static func make(label: String = "crier") -> Logger {
        ((try? settings()) ?? LogSettings.fallback).logger(label: label)
    }
}

/// Runs `body` with the plugins `CRIER_PLUGINS` enables (all built-in ones by default), sharing
/// one HTTP client that is shut down afterwards. A name not built in, or a plugin refusing its
/// settings, stops here with a message and exit status 1.
func withPlugins<T: Sendable>(clock: any Clock = SystemClock(), _ body: (PluginHost) async throws -> T) async throws -> T {
    let env = ProcessInfo.processInfo.environment
    return try await ProviderHTTP.with { http in
        let host: PluginHost
        do {
            let selection = try PluginSelection(env["CRIER_PLUGINS"], known: BuiltInPlugins.all.map { $0.id })
            host = try PluginHost.load(
                catalogue: BuiltInPlugins.all, selection: selection, environment: env, logger: Logging.make(), clock: clock, http: http)
        } catch {
            note("error: \(error)")
            throw ExitCode(1)
        }
        return try await body(host)
    }
}

/// The SMS providers a server sends through: the console (always) and the loaded plugins'.
func providers(_ host: PluginHost) -> [any SMSProvider] {
    [ConsoleProvider(write: say)] + host.providers
}

/// Writes a line to standard error (stdout is kept for what scripts capture, like a new API key).
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Writes a line to standard output unbuffered, so the setup link shows at once even when piped.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
