import ArgumentParser
import CrierPluginKit
import CrierServer
import CrierStore
import Foundation

/// `crier {plugin} {command} [arguments] [--database URL]`: a plugin's own CLI subcommands, plus
/// `rebuild` for every plugin with projections. The database is opened and migrated (core and the
/// plugin's track) before the command runs. Refusals print `error: ...` and exit non-zero.
enum PluginCommandLine {
    static func run(plugin id: String, arguments: [String]) async -> Int32 {
        var rest = arguments
        do {
            let database = try DatabaseOptions.parse(try take("--database", from: &rest).map { ["--database", $0] } ?? [])
            return try await withPlugins { host in
                guard let plugin = host.plugin(id) else {
                    throw CommandError("the plugin '\(id)' is not enabled: add it to CRIER_PLUGINS (now '\(ProcessInfo.processInfo.environment["CRIER_PLUGINS"] ?? "")')")
                }
                let rebuildable = !plugin.projections.isEmpty
                guard let name = rest.first, !["-h", "--help", "help"].contains(name) else {
                    say(usage(plugin, rebuildable: rebuildable))
                    return rest.isEmpty ? 2 : 0
                }
                let command = plugin.commands.first { $0.name == name }
                guard command != nil || (name == "rebuild" && rebuildable) else {
                    throw CommandError("'\(name)' is not a command of the plugin '\(id)'\n\n" + usage(plugin, rebuildable: rebuildable), status: 2)
                }
                let arguments = Array(rest.dropFirst())
                if arguments.contains("--help") || arguments.contains("-h") {
                    say("usage: crier \(id) \(name) \(command?.usage ?? "") [--database URL]\n\n\(command?.abstract ?? rebuildAbstract)")
                    return 0
                }
                try await database.withStore { store in
                    try await store.migrate()
                    try await host.migrate(store)
                    let output = StandardOutput()
                    let context = CommandContext(
                        services: host.services(for: id, store: store), output: output,
                        messages: { text in FileHandle.standardError.write(Data(text.utf8)) }, interactive: isatty(2) == 1)
                    if let command {
                        try await command.run(arguments, context)
                    } else {
                        try await rebuild(plugin: id, runner: host.projections(store: store), context: context)
                    }
                    try await output.flush()
                }
                return 0
            }
        } catch let error as CommandError {
            note("error: \(error.message)")
            return error.status
        } catch let error as CrierError {
            note("error: \(error.message)")
            return 1
        } catch let error as ExitCode {
            // From the shared database and plugin set-up, which have printed their message.
            return error.rawValue
        } catch {
            note("error: \(error)")
            return 1
        }
    }

    static let rebuildAbstract = "Empty this plugin's projections and build them again from the first journal entry."

    static func rebuild(plugin id: String, runner: ProjectionRunner, context: CommandContext) async throws {
        let bar = context.lazyProgress("rebuilding \(id)")
        let applied = try await runner.rebuild(plugin: id) { done, total in bar.update(done: done, total: total) }
        bar.finish()
        context.messages("rebuilt \(id) from \(applied) journal entries\n")
    }

    /// The loaded plugins' commands, for `crier --help` (empty if the plugins can't be loaded;
    /// `withPlugins` has said why).
    static func overview() async -> String {
        let text = try? await withPlugins { host in
            var lines = ["PLUGIN COMMANDS: (crier <plugin> <command> --help for one's arguments)"]
            for plugin in host.plugins {
                var commands = plugin.commands.map { ($0.name, $0.abstract) }
                if !plugin.projections.isEmpty { commands.append(("rebuild", rebuildAbstract)) }
                for (name, abstract) in commands {
                    lines.append("  \("\(plugin.id) \(name)".padding(toLength: 22, withPad: " ", startingAt: 0)) \(abstract)")
                }
            }
            return lines.count == 1 ? "" : lines.joined(separator: "\n")
        }
        return text ?? ""
    }

    static func usage(_ plugin: LoadedPlugin, rebuildable: Bool) -> String {
        var lines = ["usage: crier \(plugin.id) <command> [arguments] [--database URL]", "", "commands:"]
        for command in plugin.commands { lines.append("  \(command.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(command.abstract)") }
        if rebuildable { lines.append("  \("rebuild".padding(toLength: 12, withPad: " ", startingAt: 0)) \(rebuildAbstract)") }
        if plugin.commands.isEmpty && !rebuildable { lines.append("  (none)") }
        return lines.joined(separator: "\n")
    }

    /// Removes `--name value` or `--name=value` from `arguments` and returns the value.
    static func take(_ name: String, from arguments: inout [String]) throws -> String? {
        if let i = arguments.firstIndex(of: name) {
            guard i + 1 < arguments.count else { throw CommandError("\(name) needs a value", status: 2) }
            let value = arguments[i + 1]
            arguments.removeSubrange(i...(i + 1))
            return value
        }
        if let i = arguments.firstIndex(where: { $0.hasPrefix(name + "=") }) {
            let value = String(arguments[i].dropFirst(name.count + 1))
            arguments.remove(at: i)
            return value
        }
        return nil
    }
}

/// Standard output as a `ByteSink`, written in 64 KB pieces (an export of a million rows).
final class StandardOutput: ByteSink, @unchecked Sendable {
    // Used only from the command's task, one write at a time.
    var pending: [UInt8] = []

    func write(_ bytes: [UInt8]) async throws {
        pending += bytes
        if pending.count >= 64 * 1024 { try await flush() }
    }

    func flush() async throws {
        guard !pending.isEmpty else { return }
        try FileHandle.standardOutput.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }
}
