import Foundation

/// A person the venue texts. Identified within the venue by their mobile.
public struct Customer: Sendable, Equatable {
    public var id: Int64
    public var venueId: Int64
    public var firstName: String
    public var lastName: String
    public var mobile: PhoneNumber
    public var email: String?
    public var notes: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, venueId: Int64, firstName: String, lastName: String, mobile: PhoneNumber,
        email: String?, notes: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.venueId = venueId
        self.firstName = firstName
        self.lastName = lastName
        self.mobile = mobile
        self.email = email
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var fullName: String { "\(firstName) \(lastName)" }
}

/// A customer's fields as typed, before validation.
public struct CustomerInput: Sendable, Equatable {
    public var firstName: String?
    public var lastName: String?
    public var mobile: String?
    public var email: String?
    public var notes: String?

    public init(firstName: String?, lastName: String?, mobile: String?, email: String? = nil, notes: String? = nil) {
        self.firstName = firstName
        self.lastName = lastName
        self.mobile = mobile
        self.email = email
        self.notes = notes
    }

    /// The input that reproduces an existing customer (the base a partial update is laid over).
    public init(_ customer: Customer) {
        self.init(
            firstName: customer.firstName, lastName: customer.lastName, mobile: customer.mobile.e164,
            email: customer.email, notes: customer.notes)
    }

    /// Checks every field, reading the mobile in the venue's region; reports all problems at once.
    public func validated(region: String) throws(FieldErrors) -> CustomerFields {
        var errors = FieldErrors()
        let first = Text.required(firstName, field: "first_name", max: 100, errors: &errors)
        let last = Text.required(lastName, field: "last_name", max: 100, errors: &errors)
        var phone: PhoneNumber?
        do throws(PhoneNumberError) {
            phone = try PhoneNumber.parse(mobile ?? "", defaultRegion: region)
        } catch {
            errors.add("mobile", error.message)
        }
        let email = StaffUser.validEmail(email, errors: &errors)
        let notes = Text.optional(notes, field: "notes", max: 2000, multiline: true, errors: &errors)
        try errors.throwIfAny()
        return CustomerFields(firstName: first!, lastName: last!, mobile: phone!, email: email, notes: notes)
    }
}

/// A customer's validated, storable fields.
public struct CustomerFields: Sendable, Equatable {
    public var firstName: String
    public var lastName: String
    public var mobile: PhoneNumber
    public var email: String?
    public var notes: String?

    public init(firstName: String, lastName: String, mobile: PhoneNumber, email: String?, notes: String?) {
        self.firstName = firstName
        self.lastName = lastName
        self.mobile = mobile
        self.email = email
        self.notes = notes
    }

    /// Lower-cased, diacritic-free key that orders customers A-Z by last name, then first name.
    public var sortKey: (last: String, first: String) { (Self.fold(lastName), Self.fold(firstName)) }

    /// Text that `?q=` searches: names folded, plus the mobile's digits.
    public var searchText: String {
        "\(Self.fold(firstName)) \(Self.fold(lastName)) \(Self.fold(lastName)) \(Self.fold(firstName)) "
            + mobile.e164
    }

    /// Case- and accent-insensitive form used for sorting and searching ("Ó Súilleabháin" ~ "o suilleabhain").
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
    }
}
