import ArgumentParser
import CrierBuiltIns
import Foundation

/// The entry point: `crier {plugin} ...` goes to that plugin's commands; everything else to the
/// built-in commands (`crier` alone is `crier serve`). `crier export X` is `crier exports X`, and
/// `crier import FILE` is `crier exports import FILE`.
@main
enum CrierMain {
    static func main() async {
        do { _ = try Logging.settings() } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            exit(1)
        }
        var arguments = Array(CommandLine.arguments.dropFirst())
        // DESIGN.md section 8 names these `crier export ...` and `crier import ...`.
        switch arguments.first {
        case "export": arguments[0] = "exports"
        case "import": arguments.insert("exports", at: 0)
        default: break
        }
        if arguments.count == 1, ["--help", "-h", "help"].contains(arguments[0]) {
            // ArgumentParser knows the built-in commands; the plugins' are added after them.
            print(Crier.helpMessage())
            let plugins = await PluginCommandLine.overview()
            if !plugins.isEmpty { print("\n" + plugins) }
            exit(0)
        }
        if let first = arguments.first, BuiltInPlugins.all.contains(where: { $0.id == first }) {
            exit(await PluginCommandLine.run(plugin: first, arguments: Array(arguments.dropFirst())))
        }
        await Crier.main()
    }
}
