import ArgumentParser
import Foundation

/// The entry point: `crier {plugin} ...` goes to that plugin's commands; everything else to the
/// built-in commands (`crier` alone is `crier serve`).
@main
enum CrierMain {
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, BuiltInPlugins.all.contains(where: { $0.id == first }) {
            exit(await PluginCommandLine.run(plugin: first, arguments: Array(arguments.dropFirst())))
        }
        await Crier.main()
    }
}
