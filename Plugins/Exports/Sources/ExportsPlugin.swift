import CrierPluginKit
import Foundation

/// Exports: customers, bookings (all, or one event's guest list), texts and consent history as
/// streamed CSV (Excel's byte order mark on request; formula-like cells neutralised), and the
/// customer import: upload, map the columns, check every row, then import all or nothing or
/// skipping bad rows. Pages for owners and managers, JSON/CSV for integrators, and `crier exports ...`.
///
/// Settings: `CRIER_EXPORTS_MAX_IMPORT_BYTES` (default 10 MB), `CRIER_EXPORTS_KEEP_UPLOADS_HOURS`
/// (uploads never imported are deleted after this; default 24).
public struct ExportsPlugin: CrierPlugin {
    public static let id = "exports"
    public static let version = "1.0.0"
    let pages: ExportsPages
    let uploads: ImportUploads

    public init(context: PluginContext) throws {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw PluginSettingError(setting: "templates", message: "are missing from the plugin's resources")
        }
        uploads = ImportUploads(
            maxBytes: try context.integer("max_import_bytes", default: 10 * 1_048_576),
            keepFor: .seconds(3600 * (try context.integer("keep_uploads_hours", default: 24))))
        pages = ExportsPages(templates: try PluginTemplates(directory: folder), uploads: uploads)
    }

    public func register(with registrar: any PluginRegistrar) {
        registrar.addMigrations(ExportsSchema.migrations)
        registrar.addProjection(ExportsErasures())
        registrar.addNavigation(NavigationEntry(title: "Exports", path: "/plugins/exports", managersOnly: true))
        // A multipart upload carries a little more than the file itself.
        let uploadLimit = uploads.maxBytes + 64 * 1024
        registrar.addRoute(.page(.get, "", managersOnly: true) { try await pages.overview($0) })
        registrar.addRoute(.page(.get, "download/{kind}", managersOnly: true) { try await pages.download($0) })
        registrar.addRoute(.page(.post, "imports", managersOnly: true, maxBodyBytes: uploadLimit, spoolsBody: true) { try await pages.upload($0) })
        registrar.addRoute(.page(.get, "imports/{id}", managersOnly: true) { try await pages.mapping($0) })
        registrar.addRoute(.page(.post, "imports/{id}", managersOnly: true) { try await pages.run($0) })
        registrar.addRoute(.page(.post, "imports/{id}/discard", managersOnly: true) { try await pages.discard($0) })
        registrar.addRoute(.api(.get, "{kind}", ExportsOperations.download) { try await ExportsAPI.download($0) })
        let uploads = self.uploads
        registrar.addRoute(.api(.post, "imports/customers", ExportsOperations.importCustomers, maxBodyBytes: uploads.maxBytes, spoolsBody: true) {
            try await ExportsAPI.importCustomers($0, uploads: uploads)
        })
        for command in ExportsCommands.all() { registrar.addCommand(command) }
        registrar.addJob(PeriodicJob(name: "purge old uploads", interval: .seconds(600)) { services in
            let purged = try await uploads.purge(services)
            if purged > 0 { services.logger.info("purged import uploads never imported", metadata: ["count": "\(purged)"]) }
        })
    }
}
