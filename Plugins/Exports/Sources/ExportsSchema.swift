import CrierPluginKit

/// The exports plugin's one table (track `plugin:exports`): CSV files uploaded for import, kept
/// while staff map their columns and check them, then deleted (or purged when left behind).
enum ExportsSchema {
    static let migrations = [
        PluginMigration(version: 1, name: "staged import uploads") { flavor in
            [
                """
                CREATE TABLE export_uploads (
                    id \(flavor.idColumn), venue_id BIGINT NOT NULL, filename TEXT NOT NULL, content TEXT NOT NULL,
                    byte_count INTEGER NOT NULL, uploaded_by TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX export_uploads_age ON export_uploads (created_at)",
            ]
        },
    ]
}
