import CrierCore

/// A page that is one form: its heading, where it posts, its fields and what is wrong with them.
struct FormPage: Encodable {
    var title: String
    var action: String
    var fields: [FormField]
    /// Said above the form when a field is refused.
    var problem: String?
    /// Where "Cancel" goes.
    var back: String?
    /// A customer's form opened from an unknown sender's text: the text to file under them.
    var inbox: String?

    init(title: String, action: String, fields: [FormField], errors: FieldErrors, back: String? = nil, inbox: String? = nil) {
        self.title = title
        self.action = action
        self.fields = fields
        self.problem = errors.isEmpty ? nil : "Please fix the fields marked below."
        self.back = back
        self.inbox = inbox
    }
}
