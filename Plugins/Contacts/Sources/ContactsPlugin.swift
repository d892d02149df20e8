import CrierPluginKit
import Foundation

/// Contacts: a contact list that builds itself from the journal, one contact per customer and
/// venue, enriched by every booking, text and opt-out; no manual entry. A page with search, sort
/// and filters (across venues for staff of several), a panel on each customer's page, and the
/// list as JSON.
public struct ContactsPlugin: CrierPlugin {
    public static let id = "contacts"
    public static let version = "1.0.0"
    let pages: ContactsPages

    public init(context: PluginContext) throws {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw PluginSettingError(setting: "templates", message: "are missing from the plugin's resources")
        }
        pages = ContactsPages(templates: try PluginTemplates(directory: folder))
    }

    public func register(with registrar: any PluginRegistrar) {
        registrar.addMigrations(ContactsSchema.migrations)
        registrar.addProjection(ContactsProjection())
        registrar.addNavigation(NavigationEntry(title: "Contacts", path: "/plugins/contacts"))
        registrar.addCustomerPanel(CustomerPanel(title: "Contact summary") { customerId, caller, services in
            try await pages.panel(customerId: customerId, caller: caller, services: services)
        })
        registrar.addCustomerRecord(CustomerRecord(name: "contact") { customerId, caller, services in
            try await ContactsAPI.record(customerId: customerId, venueId: caller.venueId, services: services)
        })
        registrar.addRoute(.page(.get, "") { request in try await pages.list(request) })
        registrar.addRoute(.page(.get, "export") { request in try await ContactsExport.download(request) })
        registrar.addRoute(.api(.get, "contacts", ContactsOperations.list) { request in try await ContactsAPI.list(request) })
        registrar.addRoute(.api(.get, "export", ContactsOperations.export) { request in try await ContactsExport.download(request) })
        registrar.addRoute(.api(.get, "contacts/{customer_id}", ContactsOperations.one) { request in try await ContactsAPI.one(request) })
    }
}
