import Mustache

/// One level of a template's context: the names a view declares and their values. A name the view
/// declares but leaves empty holds ``TemplateNull``, so Mustache never goes on to find the same name
/// in an outer context (the layout's, a parent row's) and show that instead.
public final class TemplateFrame: MustacheParent, @unchecked Sendable {
    // Written only while the encoder builds the frame; read-only once rendering starts.
    var values: [String: Any]
    /// The view's type, for a lookup error to name.
    let view: String

    init(view: String, values: [String: Any] = [:]) {
        self.view = view
        self.values = values
    }

    public func child(named name: String) -> Any? {
        if let value = values[name] { return value }
        TemplateLookups.current?.missed(name, in: self)
        return nil
    }

    /// A copy with `value` under `name` (the layout's `chrome` beside a page's own names).
    public func adding(_ name: String, _ value: Any) -> TemplateFrame {
        var values = values
        values[name] = value
        return TemplateFrame(view: view, values: values)
    }
}

/// A declared value that is absent: renders as nothing, is false in a section, and stops the
/// context-stack lookup.
public struct TemplateNull: MustacheCustomRenderable, Sendable {
    public var renderText: String { "" }
    public var isNull: Bool { true }
}
