import CrierPluginKit
import Foundation

/// The customer fields an import fills, and which column of the file holds each.
enum ImportField: String, Sendable, CaseIterable {
    case firstName = "first_name"
    case lastName = "last_name"
    case mobile, email, notes

    var label: String {
        switch self {
        case .firstName: return "First name"
        case .lastName: return "Last name"
        case .mobile: return "Mobile"
        case .email: return "Email"
        case .notes: return "Notes"
        }
    }

    /// Without these mapped, no row could be a customer.
    var isRequired: Bool { self == .firstName || self == .mobile }

    /// Header spellings recognised without asking, compared with case, spaces and punctuation ignored.
    var aliases: Set<String> {
        switch self {
        case .firstName: return ["firstname", "first", "givenname", "forename", "forenames"]
        case .lastName: return ["lastname", "last", "surname", "familyname"]
        case .mobile: return ["mobile", "mobilenumber", "mobilephone", "phone", "phonenumber", "cell", "cellphone", "telephone", "tel", "msisdn"]
        case .email: return ["email", "emailaddress", "mail"]
        case .notes: return ["notes", "note", "comments", "comment"]
        }
    }
}

/// Which column (0-based) holds each field. Columns left out are not imported.
struct ImportMapping: Sendable, Equatable {
    var columns: [ImportField: Int] = [:]

    /// The mapping a header suggests: each field to the first column whose name is one of its aliases.
    static func guess(_ header: [String]) -> ImportMapping {
        var mapping = ImportMapping()
        let names = header.map(normalised)
        for field in ImportField.allCases {
            if let i = names.firstIndex(where: { field.aliases.contains($0) }), !mapping.columns.values.contains(i) {
                mapping.columns[field] = i
            }
        }
        return mapping
    }

    static func normalised(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// The mapping with `choices` (field → column name, or "" for none) applied over the guess;
    /// a 422 naming the field when a column is not in the file, is chosen twice, or a required
    /// field has none.
    static func read(_ choices: [String: String], header: [String]) throws -> ImportMapping {
        var mapping = guess(header)
        var errors = FieldErrors()
        for field in ImportField.allCases {
            guard let choice = choices[field.rawValue] else { continue }
            if choice.isEmpty {
                mapping.columns[field] = nil
            } else if let i = header.firstIndex(of: choice) {
                mapping.columns[field] = i
            } else {
                errors.add(field.rawValue, "names a column the file does not have: '\(choice)'")
            }
        }
        for field in ImportField.allCases {
            if let i = mapping.columns[field], mapping.columns.contains(where: { $0.key != field && $0.value == i && $0.key.rawValue < field.rawValue }) {
                errors.add(field.rawValue, "uses the column '\(header[i])', which another field already uses")
            }
            if field.isRequired, mapping.columns[field] == nil, errors.fields[field.rawValue] == nil {
                errors.add(field.rawValue, "needs a column: choose the one that holds the \(field.label.lowercased())")
            }
        }
        if !errors.isEmpty { throw CrierError.invalid(errors) }
        return mapping
    }

    /// The data rows (after the header) as customers to import, by line; blank rows are left out.
    func rows(_ records: [CSVReader.Record]) -> [CustomerImportRow] {
        records.dropFirst().compactMap(row)
    }

    /// One data row as a customer to import; nil for a blank row.
    func row(_ record: CSVReader.Record) -> CustomerImportRow? {
        guard record.fields.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        func value(_ field: ImportField) -> String? {
            guard let i = columns[field], i < record.fields.count else { return nil }
            let text = record.fields[i].trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }
        return CustomerImportRow(line: record.line, input: CustomerInput(
            firstName: value(.firstName), lastName: value(.lastName), mobile: value(.mobile), email: value(.email), notes: value(.notes)))
    }
}
