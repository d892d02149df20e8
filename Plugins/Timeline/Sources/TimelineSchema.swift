import CrierPluginKit

/// The timeline plugin's tables (track `plugin:timeline`): the items it builds from the journal
/// (emptied by a rebuild), the event names bookings refer to, and staff notes (never rebuilt:
/// they are typed by people, not derived).
enum TimelineSchema {
    static let migrations = [
        PluginMigration(version: 1, name: "timeline items, event names and staff notes") { flavor in
            [
                """
                CREATE TABLE timeline_items (
                    entry_id BIGINT PRIMARY KEY, venue_id BIGINT NOT NULL, customer_id BIGINT NOT NULL, at BIGINT NOT NULL,
                    kind TEXT NOT NULL, subject_id BIGINT NOT NULL, event_name TEXT NULL, seats INTEGER NULL,
                    previous_seats INTEGER NULL, detail TEXT NULL, purpose TEXT NULL, status TEXT NULL, error_code TEXT NULL, actor TEXT NOT NULL)
                """,
                "CREATE INDEX timeline_items_customer ON timeline_items (customer_id, at, entry_id)",
                "CREATE INDEX timeline_items_subject ON timeline_items (subject_id, kind)",
                "CREATE TABLE timeline_events (event_id BIGINT PRIMARY KEY, name TEXT NOT NULL)",
                """
                CREATE TABLE timeline_notes (
                    id \(flavor.idColumn), venue_id BIGINT NOT NULL, customer_id BIGINT NOT NULL, body TEXT NOT NULL,
                    author TEXT NOT NULL, author_name TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
                    edited_by TEXT NULL)
                """,
                "CREATE INDEX timeline_notes_customer ON timeline_notes (customer_id, created_at, id)",
            ]
        },
    ]
}
