import CrierCore
import CrierPluginKit
import CrierStore
import Foundation
import Hummingbird

/// `/api/v1/templates`: the venue's SMS wording. Each template shows its default and the venue's
/// override; a PUT is checked strictly before it is saved; a preview renders sample data with the
/// encoding and segment count the text would cost.
struct TemplateRoutes {
    let store: Store
    let renderer: SMSRenderer
    /// Called after a venue's templates change (webhook acknowledgements use them).
    var changed: @Sendable () -> Void = {}

    func register(on api: DocumentedRoutes) {
        let templates = api.group("templates")
        templates.get(APIOperation(
            "listTemplates", "SMS templates: defaults and the venue's overrides", tag: "Templates",
            responses: [.ok(.ref("TemplateList"), "every template")])
        ) { _, context in
            let venue = try context.requireVenue()
            let overrides = try await store.templates.overrides(venueId: venue.id)
            let items: [JSONValue] = MessageKind.allCases.flatMap { kind in
                TemplateRules.names(for: kind).map { name in
                    item(name, kind: kind, override: overrides[name], venue: venue)
                }
            }
            return JSONResponse(["items": .array(items), "next_cursor": .null])
        }
        templates.get(":name", APIOperation(
            "getTemplate", "One template", tag: "Templates", parameters: [.path("name", .string(), "a template name, as GET /api/v1/templates lists them")], responses: [.ok(.ref("Template"), "the template")])
        ) { _, context in
            let venue = try context.requireVenue()
            let (name, kind) = try context.templateName()
            return JSONResponse(item(name, kind: kind, override: try await store.templates.overrides(venueId: venue.id)[name], venue: venue))
        }
        templates.put(":name", APIOperation(
            "setTemplate", "Override a template (checked strictly: known fields, length, the opt-out line)", tag: "Templates",
            parameters: [.path("name", .string(), "a template name, as GET /api/v1/templates lists them")], body: .json(.ref("TemplateBody"), example: ["body": "Hi {{first_name}}, see you at {{event_name}}!"]),
            responses: [.ok(.ref("Template"), "the template as overridden")])
        ) { request, context in
            let venue = try context.requireVenue()
            let (name, kind) = try context.templateName()
            var body = try await JSONBody.read(request, allowed: ["body"])
            let text = body.string("body") ?? nil
            try body.throwIfInvalid()
            guard let text else { throw APIError.invalid(FieldErrors("body", "is required")) }
            try await store.templates.set(venueId: venue.id, name: name, body: text, actor: context.actor)
            changed()
            return JSONResponse(item(name, kind: kind, override: text, venue: venue))
        }
        templates.delete(":name", APIOperation(
            "resetTemplate", "Back to the default wording", tag: "Templates", parameters: [.path("name", .string(), "a template name, as GET /api/v1/templates lists them")],
            responses: [.ok(.ref("Template"), "the template with no override")])
        ) { _, context in
            let venue = try context.requireVenue()
            let (name, kind) = try context.templateName()
            try await store.templates.reset(venueId: venue.id, name: name, actor: context.actor)
            changed()
            return JSONResponse(item(name, kind: kind, override: nil, venue: venue))
        }
        templates.post(":name/preview", APIOperation(
            "previewTemplate", "Render with sample data: text, encoding, segments", tag: "Templates", parameters: [.path("name", .string(), "a template name, as GET /api/v1/templates lists them")],
            body: .json(.ref("TemplatePreviewBody"), required: false, example: ["body": "Hi {{first_name}}!"]),
            responses: [.ok(.ref("TemplatePreview"), "the rendered text and what it costs")])
        ) { request, context in
            let venue = try context.requireVenue()
            let (name, kind) = try context.templateName()
            var body = try await JSONBody.read(request, allowed: ["body"], emptyAllowed: true)
            let given = body.string("body") ?? nil
            try body.throwIfInvalid()
            let text: String
            if let given { text = given } else {
                text = try await store.templates.overrides(venueId: venue.id)[name] ?? renderer.defaults[name] ?? ""
            }
            let preview = try TemplatePreview.render(text, name: name, kind: kind, venue: venue, renderer: renderer, now: store.clock.now())
            let m = preview.measurement
            return JSONResponse(["text": .string(preview.text), "encoding": .string(m.encoding.rawValue), "characters": .from(m.characters),
                                 "units": .from(m.units), "segments": .from(m.segments)])
        }
    }

    func item(_ name: String, kind: MessageKind, override: String?, venue: Venue) -> JSONValue {
        ["name": .string(name), "kind": .string(kind.rawValue), "default": .from(renderer.defaults[name]),
         "override": .from(override), "fields": .array(TemplateRules.fields(for: kind).sorted().map(JSONValue.string))]
    }
}

extension CrierRequestContext {
    /// The template named by the route's `:name`, with its kind; an unknown name is a 404.
    func templateName() throws -> (String, MessageKind) {
        guard let name = parameters.get("name"), let kind = TemplateRules.kind(ofTemplate: name) else {
            throw CrierError.notFound("template")
        }
        return (name, kind)
    }
}
