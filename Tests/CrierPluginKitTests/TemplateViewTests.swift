import CrierPluginKit
import Foundation
import Testing

/// A view's context: every declared name at its own level, nil included, so Mustache never shows
/// an outer level's value in its place; and a checked render reports a name taken from elsewhere.
struct TemplateViewTests {
    struct Page: Encodable {
        struct Row: Encodable {
            var what: String
            var status: String?
        }
        var status = "page-status"
        var rows: [Row]
        var unreadCount: Int?
    }

    static func templates(_ files: [String: String]) throws -> PluginTemplates {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name + ".mustache"), atomically: true, encoding: .utf8) }
        return try PluginTemplates(directory: folder)
    }

    @Test
    func aNilNameIsEmptyHereNotTheOuterOne() async throws {
        let templates = try Self.templates(["page": "{{#rows}}[{{what}}:{{#status}}{{status}}{{/status}}]{{/rows}} {{#unread_count}}n{{/unread_count}}{{^unread_count}}none{{/unread_count}}"])
        let page = Page(rows: [.init(what: "sent", status: "delivered"), .init(what: "note", status: nil)])
        let (html, problems) = await TemplateLookups.checking { templates.render("page", page) }
        #expect(html == "[sent:delivered][note:] none")
        #expect(problems.isEmpty)
    }

    @Test
    func aNameTheViewLacksIsReported() async throws {
        let templates = try Self.templates(["page": "{{#rows}}{{what}} {{status}} {{colour}}{{/rows}} {{missing}}"])
        let (_, problems) = await TemplateLookups.checking { templates.render("page", Page(rows: [.init(what: "a")])) }
        #expect(problems == [#"Page has no "colour""#, #"Page has no "missing""#, #"Row has no "colour""#])
        // Outside a checked render the same page renders, with nothing where the names are missing.
        #expect(templates.render("page", Page(rows: [.init(what: "a")])) == "a   ")
    }
}
