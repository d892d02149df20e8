import CrierPluginKit

/// The exports plugin's tables (track `plugin:exports`): CSV files uploaded for import, in chunks,
/// kept while staff map their columns and check them, then deleted (or purged when left behind).
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
        PluginMigration(version: 2, name: "staged uploads kept in chunks, with their header and first rows") { _ in
            [
                // A file is stored as it streamed in, 256 KB at a time (base64), so neither staging
                // nor importing it ever holds the whole file; `content` stays for uploads from before.
                """
                CREATE TABLE export_upload_chunks (
                    upload_id BIGINT NOT NULL, seq INTEGER NOT NULL, content TEXT NOT NULL, PRIMARY KEY (upload_id, seq))
                """,
                "ALTER TABLE export_uploads ADD COLUMN header TEXT NULL",
                "ALTER TABLE export_uploads ADD COLUMN preview TEXT NULL",
                "ALTER TABLE export_uploads ADD COLUMN row_count INTEGER NULL",
            ]
        },
    ]
}
