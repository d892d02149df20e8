import Foundation
import PackagePlugin

/// Bakes the git revision the binary is built from into `crier --version`: before each build it
/// writes `BuildRevision.swift` (`let buildRevision = "1a2b3c4d5e6f"`, with `-modified` when
/// tracked files differ from it, `unknown` outside a git checkout). The file is rewritten only
/// when the revision changed, so an unchanged build recompiles nothing.
@main
struct BuildRevision: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let script = #"""
            revision=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null) || revision=unknown
            if [ "$revision" != unknown ] && [ -n "$(git -C "$1" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
                revision="$revision-modified"
            fi
            mkdir -p "$2"
            printf '// Written before each build by the BuildRevision plugin.\nlet buildRevision = "%s"\n' "$revision" > "$2/BuildRevision.swift.new"
            if cmp -s "$2/BuildRevision.swift.new" "$2/BuildRevision.swift"; then rm "$2/BuildRevision.swift.new"
            else mv "$2/BuildRevision.swift.new" "$2/BuildRevision.swift"; fi
            """#
        return [.prebuildCommand(
            displayName: "Recording the git revision for crier --version", executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path], outputFilesDirectory: output)]
    }
}
