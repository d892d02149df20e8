import CrierPluginKit
import Foundation

/// Timeline: everything that happened with a customer, newest first and grouped by day, built
/// from the journal (bookings made, changed and cancelled, texts with their delivery status,
/// replies, opt-outs and opt-ins), plus notes staff write. Filters by kind and dates, a panel on
/// each customer's page, JSON, and a per-customer CSV export for data-access requests.
public struct TimelinePlugin: CrierPlugin {
    public static let id = "timeline"
    public static let version = "1.0.0"
    let pages: TimelinePages

    public init(context: PluginContext) throws {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw PluginSettingError(setting: "templates", message: "are missing from the plugin's resources")
        }
        pages = TimelinePages(templates: try PluginTemplates(directory: folder))
    }

    public func register(with registrar: any PluginRegistrar) {
        registrar.addMigrations(TimelineSchema.migrations)
        registrar.addProjection(TimelineProjection())
        registrar.addCustomerRecord(CustomerRecord(name: "timeline") { customerId, caller, services in
            try await TimelineAPI.record(customerId: customerId, caller: caller, services: services)
        })
        registrar.addCustomerPanel(CustomerPanel(title: "Timeline") { customerId, caller, services in
            try await pages.panel(customerId: customerId, caller: caller, services: services)
        })
        registrar.addRoute(.page(.get, "customers/{customer_id}") { try await pages.show($0) })
        registrar.addRoute(.page(.get, "customers/{customer_id}/export") { try await pages.export($0) })
        registrar.addRoute(.page(.post, "customers/{customer_id}/notes") { try await pages.addNote($0) })
        registrar.addRoute(.page(.post, "notes/{id}") { try await pages.editNote($0) })
        registrar.addRoute(.page(.post, "notes/{id}/delete") { try await pages.deleteNote($0) })
        registrar.addRoute(.api(.get, "customers/{customer_id}", TimelineOperations.list) { try await TimelineAPI.list($0) })
        registrar.addRoute(.api(.get, "customers/{customer_id}/export", TimelineOperations.export) { try await TimelineAPI.export($0) })
        registrar.addRoute(.api(.post, "customers/{customer_id}/notes", TimelineOperations.addNote) { try await TimelineAPI.addNote($0) })
        registrar.addRoute(.api(.patch, "notes/{id}", TimelineOperations.editNote) { try await TimelineAPI.editNote($0) })
        registrar.addRoute(.api(.delete, "notes/{id}", TimelineOperations.deleteNote) { try await TimelineAPI.deleteNote($0) })
    }
}
