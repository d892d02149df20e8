import Foundation

/// A CLI subcommand a plugin adds: `crier {id} {name} [arguments]`. The host opens the database
/// (`--database URL`, taken by every command) and runs the plugin's migrations first.
public struct PluginCommand: Sendable {
    public var name: String
    /// One line for `crier {id} --help`.
    public var abstract: String
    /// The arguments it takes, for the help text: `[--venue SLUG] [--bom] FILE`.
    public var usage: String
    public var run: @Sendable (_ arguments: [String], _ context: CommandContext) async throws -> Void

    public init(
        name: String, abstract: String, usage: String = "",
        run: @escaping @Sendable (_ arguments: [String], _ context: CommandContext) async throws -> Void
    ) {
        self.name = name
        self.abstract = abstract
        self.usage = usage
        self.run = run
    }
}

/// What a plugin command runs with.
public struct CommandContext: Sendable {
    public var services: PluginServices
    /// Standard output: what a script captures (`crier exports customers > file.csv`).
    public var output: any ByteSink
    /// Standard error: messages and progress bars, so they never mix with the output.
    public var messages: @Sendable (String) -> Void
    /// True when standard error is a terminal (progress redraws one line; otherwise it logs lines).
    public var interactive: Bool

    public init(services: PluginServices, output: any ByteSink, messages: @escaping @Sendable (String) -> Void, interactive: Bool) {
        self.services = services
        self.output = output
        self.messages = messages
        self.interactive = interactive
    }

    /// A progress bar for `total` steps of `label`, drawn on standard error.
    public func progress(_ label: String, total: Int) -> ProgressBar {
        ProgressBar(label: label, total: total, interactive: interactive, write: messages)
    }
}

/// A refusal from a command: printed as `error: message` with exit status `status`.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var status: Int32
    public init(_ message: String, status: Int32 = 1) {
        self.message = message
        self.status = status
    }
    public var description: String { message }
}
