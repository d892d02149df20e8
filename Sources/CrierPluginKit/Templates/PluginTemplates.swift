import Foundation
import Mustache

/// A plugin's page templates (Mustache, HTML-escaped by default): every `*.mustache` file in a
/// folder of the plugin's resources, rendered to the fragment a `.page` response or a panel returns.
public struct PluginTemplates: Sendable {
    let library: MustacheLibrary

    /// Loads the templates in `directory` (a plugin passes `Bundle.module`'s copy of its folder).
    public init(directory: URL) throws {
        var templates: [String: MustacheTemplate] = [:]
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        for file in files where file.pathExtension == "mustache" {
            templates[file.deletingPathExtension().lastPathComponent] = try MustacheTemplate(string: String(contentsOf: file, encoding: .utf8))
        }
        library = MustacheLibrary(templates: templates)
    }

    /// Renders template `name` with `view` (a struct per page or panel, made into the context by
    /// ``TemplateEncoder``); a missing template is a programming error shown as such.
    public func render(_ name: String, _ view: some Encodable) -> String {
        library.render(TemplateEncoder.context(view), withTemplate: name) ?? "<p>Missing template \(name).</p>"
    }
}
