import Foundation

/// The templates shipped with Crier: SMS defaults (`Templates/sms/*.mustache`, by name such as
/// `confirmation`) and the staff web form's pages (`Templates/web/`).
public enum DefaultTemplates {
    /// Reads every bundled SMS template; throws when the resource bundle is missing from beside the binary.
    public static func sms() throws -> [String: String] {
        try folder("sms")
    }

    /// The staff web form's page templates (`Templates/web/*.mustache`), by name.
    public static func web() throws -> [String: String] {
        try folder("web")
    }

    /// The web form's one stylesheet.
    public static func stylesheet() throws -> String {
        guard let file = Bundle.module.url(forResource: "crier", withExtension: "css", subdirectory: "web") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "bundled stylesheet not found"])
        }
        return try String(contentsOf: file, encoding: .utf8)
    }

    static func folder(_ name: String) throws -> [String: String] {
        guard let directory = Bundle.module.url(forResource: name, withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "bundled \(name) templates not found"])
        }
        var templates: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        where file.pathExtension == "mustache" {
            templates[file.deletingPathExtension().lastPathComponent] = try String(contentsOf: file, encoding: .utf8)
        }
        return templates
    }
}
