import Foundation

/// The default SMS templates shipped with Crier (`Templates/sms/*.mustache`), by name
/// (`confirmation`, `reminder_24h_reminder_only`...).
public enum DefaultTemplates {
    /// Reads every bundled SMS template; throws when the resource bundle is missing from beside the binary.
    public static func sms() throws -> [String: String] {
        guard let directory = Bundle.module.url(forResource: "sms", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "bundled SMS templates not found"])
        }
        var templates: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        where file.pathExtension == "mustache" {
            templates[file.deletingPathExtension().lastPathComponent] = try String(contentsOf: file, encoding: .utf8)
        }
        return templates
    }
}
