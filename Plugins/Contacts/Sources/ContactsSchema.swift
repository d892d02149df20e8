import CrierPluginKit

/// The contacts plugin's tables (track `plugin:contacts`): one row per customer with the counts
/// the list sorts and filters on, and the bookings and events those counts come from.
enum ContactsSchema {
    static let migrations = [
        PluginMigration(version: 1, name: "contacts, their bookings and events") { _ in
            [
                """
                CREATE TABLE contacts (
                    customer_id BIGINT PRIMARY KEY, venue_id BIGINT NOT NULL, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
                    mobile TEXT NOT NULL, sort_name TEXT NOT NULL, search TEXT NOT NULL,
                    bookings INTEGER NOT NULL, active_seats INTEGER NOT NULL, reminder_only INTEGER NOT NULL,
                    cancellations INTEGER NOT NULL, messages_in INTEGER NOT NULL, messages_out INTEGER NOT NULL,
                    first_at BIGINT NOT NULL, last_at BIGINT NOT NULL, last_reply_at BIGINT NULL, last_reply_id BIGINT NULL,
                    opted_out BOOLEAN NOT NULL)
                """,
                "CREATE INDEX contacts_recent ON contacts (venue_id, last_at, customer_id)",
                "CREATE INDEX contacts_busiest ON contacts (venue_id, bookings, customer_id)",
                "CREATE INDEX contacts_name ON contacts (venue_id, sort_name, customer_id)",
                """
                CREATE TABLE contact_bookings (
                    booking_id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, venue_id BIGINT NOT NULL, event_id BIGINT NOT NULL,
                    seats INTEGER NOT NULL, active BOOLEAN NOT NULL)
                """,
                "CREATE INDEX contact_bookings_customer ON contact_bookings (customer_id)",
                """
                CREATE TABLE contact_events (
                    event_id BIGINT PRIMARY KEY, venue_id BIGINT NOT NULL, name TEXT NOT NULL, starts_at BIGINT NOT NULL,
                    cancelled BOOLEAN NOT NULL)
                """,
            ]
        },
    ]
}
