/// Crier's own schema, track "core". Append new versions; never edit a released one.
/// Instants are BIGINT milliseconds since 1970 on both engines; every lookup the API makes has an index.
public enum CoreMigrations {
    public static let track = "core"

    public static let all: [Migration] = [
        Migration(version: 1, name: "venues, staff and API keys") { engine in
            let id = SchemaTypes.id(engine)
            return [
                """
                CREATE TABLE venues (
                    id \(id), slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, timezone TEXT NOT NULL,
                    default_region TEXT NOT NULL, quiet_start TEXT NULL, quiet_end TEXT NULL,
                    sms_enabled BOOLEAN NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE staff_users (
                    id \(id), email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE memberships (
                    user_id BIGINT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
                    venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
                    role TEXT NOT NULL, PRIMARY KEY (user_id, venue_id))
                """,
                "CREATE INDEX memberships_venue ON memberships (venue_id)",
                """
                CREATE TABLE setup_tokens (
                    token_hash TEXT PRIMARY KEY, venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
                    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT NULL)
                """,
                """
                CREATE TABLE api_keys (
                    id \(id), venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
                    name TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, scope TEXT NOT NULL,
                    created_at BIGINT NOT NULL, last_used_at BIGINT NULL, revoked_at BIGINT NULL)
                """,
                "CREATE INDEX api_keys_venue ON api_keys (venue_id, id)",
            ]
        },
        Migration(version: 2, name: "customers, consent, events, bookings, journal") { engine in
            let id = SchemaTypes.id(engine)
            // Sort keys compare byte-wise on both engines, so pages come out in the same order.
            let sortText = engine == .postgres ? "TEXT COLLATE \"C\"" : "TEXT"
            return [
                """
                CREATE TABLE customers (
                    id \(id), venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
                    first_name TEXT NOT NULL, last_name TEXT NOT NULL, mobile TEXT NOT NULL,
                    email TEXT NULL, notes TEXT NULL,
                    sort_last \(sortText) NOT NULL, sort_first \(sortText) NOT NULL, search_text TEXT NOT NULL,
                    sms_transactional BOOLEAN NOT NULL, sms_marketing BOOLEAN NOT NULL,
                    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                // One customer per mobile per venue; also the webhook's sender lookup.
                "CREATE UNIQUE INDEX customers_mobile ON customers (venue_id, mobile)",
                // A-Z listing with keyset pagination.
                "CREATE INDEX customers_sort ON customers (venue_id, sort_last, sort_first, id)",
                """
                CREATE TABLE consent_changes (
                    id \(id), venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
                    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                    purpose TEXT NOT NULL, granted BOOLEAN NOT NULL, source TEXT NOT NULL, note TEXT NULL,
                    changed_at BIGINT NOT NULL)
                """,
                "CREATE INDEX consent_changes_customer ON consent_changes (customer_id, id)",
                """
                CREATE TABLE events (
                    id \(id), venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
                    name TEXT NOT NULL, starts_at BIGINT NOT NULL, ends_at BIGINT NULL, capacity INTEGER NULL,
                    status TEXT NOT NULL, description TEXT NULL,
                    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, cancelled_at BIGINT NULL)
                """,
                "CREATE INDEX events_start ON events (venue_id, starts_at, id)",
                """
                CREATE TABLE bookings (
                    id \(id), venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
                    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
                    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
                    seats INTEGER NOT NULL CHECK (seats >= 0), notes TEXT NULL,
                    status TEXT NOT NULL, source TEXT NOT NULL,
                    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, cancelled_at BIGINT NULL)
                """,
                // At most one active booking per customer per event, enforced by the database.
                "CREATE UNIQUE INDEX bookings_one_active ON bookings (customer_id, event_id) WHERE status = 'active'",
                "CREATE INDEX bookings_event ON bookings (event_id, status, id)",
                "CREATE INDEX bookings_customer ON bookings (customer_id, id)",
                "CREATE INDEX bookings_venue ON bookings (venue_id, id)",
                // No foreign keys: the journal outlives what it describes (it is the audit log).
                """
                CREATE TABLE journal (
                    id \(id), venue_id BIGINT NOT NULL, customer_id BIGINT NULL, kind TEXT NOT NULL,
                    subject_type TEXT NOT NULL, subject_id BIGINT NOT NULL, data TEXT NOT NULL,
                    actor TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX journal_customer ON journal (customer_id, id)",
                "CREATE INDEX journal_venue ON journal (venue_id, id)",
            ]
        },
        Migration(version: 3, name: "messages, attempts, templates, providers") { engine in
            let id = SchemaTypes.id(engine)
            return [
                "ALTER TABLE venues ADD COLUMN provider TEXT NOT NULL DEFAULT 'console'",
                "ALTER TABLE venues ADD COLUMN provider_settings TEXT NOT NULL DEFAULT '{}'",
                """
                CREATE TABLE messages (
                    id \(id), venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE,
                    customer_id BIGINT NULL REFERENCES customers(id) ON DELETE SET NULL,
                    booking_id BIGINT NULL REFERENCES bookings(id) ON DELETE SET NULL,
                    event_id BIGINT NULL REFERENCES events(id) ON DELETE SET NULL,
                    direction TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NULL,
                    to_number TEXT NOT NULL, from_number TEXT NULL, body TEXT NULL, segments INTEGER NULL, encoding TEXT NULL,
                    idempotency_key TEXT NULL, scheduled_for BIGINT NULL, deadline BIGINT NULL,
                    attempts INTEGER NOT NULL, lease_until BIGINT NULL, claimed_by TEXT NULL,
                    provider TEXT NULL, provider_message_id TEXT NULL, error_code TEXT NULL,
                    sent_at BIGINT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                // A message can never be created twice for the same cause.
                "CREATE UNIQUE INDEX messages_idempotency ON messages (idempotency_key)",
                // What the dispatcher polls: a tick costs O(due), not O(messages).
                "CREATE INDEX messages_due ON messages (status, scheduled_for)",
                "CREATE INDEX messages_lease ON messages (status, lease_until)",
                "CREATE INDEX messages_customer ON messages (customer_id, id)",
                "CREATE INDEX messages_booking ON messages (booking_id, id)",
                "CREATE INDEX messages_event ON messages (event_id, status)",
                "CREATE INDEX messages_venue ON messages (venue_id, id)",
                "CREATE INDEX messages_recipient ON messages (to_number, sent_at)",
                "CREATE INDEX messages_provider_id ON messages (provider, provider_message_id)",
                """
                CREATE TABLE message_attempts (
                    id \(id), message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                    attempt INTEGER NOT NULL, started_at BIGINT NOT NULL, finished_at BIGINT NULL,
                    outcome TEXT NOT NULL, error_code TEXT NULL, detail TEXT NULL)
                """,
                "CREATE INDEX message_attempts_message ON message_attempts (message_id, id)",
                """
                CREATE TABLE sms_templates (
                    venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE, name TEXT NOT NULL,
                    body TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (venue_id, name))
                """,
            ]
        },
        Migration(version: 4, name: "inbound texts, parts of long texts, provider addresses") { engine in
            let setting = { (key: String) in
                engine == .postgres ? "provider_settings::json->>'\(key)'" : "json_extract(provider_settings, '$.\(key)')"
            }
            return [
                // When staff read an inbound text (NULL: unread).
                "ALTER TABLE messages ADD COLUMN read_at BIGINT NULL",
                // A provider delivering the same inbound text twice stores it once.
                "CREATE UNIQUE INDEX messages_inbound_once ON messages (provider, provider_message_id) WHERE direction = 'in'",
                "CREATE INDEX messages_inbox ON messages (venue_id, direction, id)",
                // Parts of a long inbound text that a provider delivers one by one (Vonage), kept
                // until every part is in; a redelivered part is stored once.
                """
                CREATE TABLE inbound_parts (
                    provider TEXT NOT NULL, provider_message_id TEXT NOT NULL,
                    venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE, sender TEXT NOT NULL, reference TEXT NOT NULL,
                    part INTEGER NOT NULL, total INTEGER NOT NULL, body TEXT NOT NULL, received_at BIGINT NOT NULL,
                    PRIMARY KEY (provider, provider_message_id))
                """,
                "CREATE INDEX inbound_parts_group ON inbound_parts (venue_id, sender, reference, received_at)",
                // The numbers and sender ids a provider's webhooks name, so a request finds its venue
                // (and the venue's secrets to verify it) by its `To`. One venue per address.
                """
                CREATE TABLE provider_addresses (
                    provider TEXT NOT NULL, address TEXT NOT NULL,
                    venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE, PRIMARY KEY (provider, address))
                """,
                "CREATE INDEX provider_addresses_venue ON provider_addresses (venue_id)",
                """
                INSERT INTO provider_addresses (provider, address, venue_id)
                SELECT provider, \(setting("from")), id FROM venues WHERE \(setting("from")) IS NOT NULL
                UNION SELECT provider, \(setting("messaging_service_sid")), id FROM venues WHERE \(setting("messaging_service_sid")) IS NOT NULL
                ON CONFLICT DO NOTHING
                """,
            ]
        },
        Migration(version: 5, name: "staff web sessions and failed logins") { engine in
            let id = SchemaTypes.id(engine)
            return [
                // Sessions live in the database so every instance behind a balancer knows them; the
                // cookie holds a random token, the table only its hash.
                """
                CREATE TABLE web_sessions (
                    token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES staff_users(id) ON DELETE CASCADE,
                    venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE, csrf_token TEXT NOT NULL,
                    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, seen_at BIGINT NOT NULL)
                """,
                "CREATE INDEX web_sessions_user ON web_sessions (user_id)",
                "CREATE INDEX web_sessions_expiry ON web_sessions (expires_at)",
                // Recent failed sign-ins per email, for the login rate limit (shared across instances).
                "CREATE TABLE login_failures (id \(id), email TEXT NOT NULL, failed_at BIGINT NOT NULL)",
                "CREATE INDEX login_failures_email ON login_failures (email, failed_at)",
            ]
        },
        Migration(version: 6, name: "plugin projection checkpoints") { _ in
            [
                // How far each plugin projection has read the journal; moved in the same transaction
                // as the projection's own tables, so the two never disagree.
                """
                CREATE TABLE plugin_checkpoints (
                    plugin TEXT NOT NULL, projection TEXT NOT NULL, position BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL, PRIMARY KEY (plugin, projection))
                """,
            ]
        },
        Migration(version: 7, name: "customers and consent changes paged by id within a venue") { _ in
            [
                // Exports read a venue's rows a page at a time by id. Without these, SQLite took
                // another venue_id index and sorted every page: 1M customers exported at 4k rows/s.
                "CREATE INDEX customers_venue ON customers (venue_id, id)",
                "CREATE INDEX consent_changes_venue ON consent_changes (venue_id, id)",
            ]
        },
        Migration(version: 8, name: "hand-offs, settling lost outcomes, the write probe") { _ in
            [
                // When a text was last handed to its provider: only those can be `unknown`.
                "ALTER TABLE messages ADD COLUMN handed_off_at BIGINT NULL",
                // When to ask the provider about a lost outcome next (unknown texts only).
                "ALTER TABLE messages ADD COLUMN check_after BIGINT NULL",
                "CREATE INDEX messages_check ON messages (status, check_after)",
                // One person's texts go in creation order: the claim looks up their earlier ones.
                "CREATE INDEX messages_recipient_order ON messages (venue_id, to_number, id)",
                // /ready writes here to prove the write path, not only that the database answers.
                "CREATE TABLE readiness_probe (instance TEXT PRIMARY KEY, checked_at BIGINT NOT NULL)",
            ]
        },
        Migration(version: 9, name: "indexes an inbound text does not need to update") { _ in
            // Inbound texts are most of the writes under load and have no booking, event, due time,
            // lease, send time, key or delivery reports: these indexes leave them out (an index less
            // to update per text). Every query that uses one names its condition (booking_id = ?,
            // scheduled_for <= ?, direction = 'out'...), so both engines still use it.
            [
                "DROP INDEX messages_booking",
                "CREATE INDEX messages_booking ON messages (booking_id, id) WHERE booking_id IS NOT NULL",
                "DROP INDEX messages_event",
                "CREATE INDEX messages_event ON messages (event_id, status) WHERE event_id IS NOT NULL",
                "DROP INDEX messages_recipient",
                "CREATE INDEX messages_recipient ON messages (to_number, sent_at) WHERE sent_at IS NOT NULL",
                "DROP INDEX messages_recipient_order",
                "CREATE INDEX messages_recipient_order ON messages (venue_id, to_number, id) WHERE direction = 'out'",
                "DROP INDEX messages_provider_id",
                "CREATE INDEX messages_provider_id ON messages (provider, provider_message_id) WHERE direction = 'out'",
                "DROP INDEX messages_due",
                "CREATE INDEX messages_due ON messages (status, scheduled_for) WHERE scheduled_for IS NOT NULL",
                "DROP INDEX messages_lease",
                "CREATE INDEX messages_lease ON messages (status, lease_until) WHERE lease_until IS NOT NULL",
                "DROP INDEX messages_check",
                "CREATE INDEX messages_check ON messages (status, check_after) WHERE check_after IS NOT NULL",
                // Outbound texts only have a key; the outbox's ON CONFLICT names this condition.
                "DROP INDEX messages_idempotency",
                "CREATE UNIQUE INDEX messages_idempotency ON messages (idempotency_key) WHERE idempotency_key IS NOT NULL",
                "DROP INDEX journal_customer",
                "CREATE INDEX journal_customer ON journal (customer_id, id) WHERE customer_id IS NOT NULL",
            ]
        },
        Migration(version: 10, name: "failed sign-ins by client address") { _ in
            [
                // Failures count per email and address, so a stranger's guesses lock out only them.
                "ALTER TABLE login_failures ADD COLUMN address TEXT NULL",
                "CREATE INDEX login_failures_address ON login_failures (address, failed_at)",
            ]
        },
        Migration(version: 11, name: "staff invitations; staff downloads as a venue setting") { engine in
            let id = SchemaTypes.id(engine)
            return [
                // Someone is added to a venue's staff only by opening a one-time link and accepting;
                // the table keeps the link's hash, never the link.
                """
                CREATE TABLE staff_invitations (
                    id \(id), venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE, email TEXT NOT NULL,
                    role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, invited_by TEXT NOT NULL, created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL, accepted_at BIGINT NULL, revoked_at BIGINT NULL)
                """,
                "CREATE INDEX staff_invitations_venue ON staff_invitations (venue_id, id)",
                // Whether the staff role may download CSV (contact lists, timelines, exports); off by default.
                "ALTER TABLE venues ADD COLUMN staff_downloads BOOLEAN NOT NULL DEFAULT FALSE",
            ]
        },
        Migration(version: 12, name: "opt-outs kept through erasure") { _ in
            [
                // An erased customer who had opted out leaves only a salted hash of their number here,
                // so adding the number again (an import, the API) can't give back the consent they withdrew.
                """
                CREATE TABLE erased_opt_outs (
                    venue_id BIGINT NOT NULL REFERENCES venues(id) ON DELETE CASCADE, mobile_hash TEXT NOT NULL,
                    erased_at BIGINT NOT NULL, PRIMARY KEY (venue_id, mobile_hash))
                """,
                // The venue's salt for those hashes (random, made at its first erasure).
                "ALTER TABLE venues ADD COLUMN erasure_salt TEXT NULL",
            ]
        },
        Migration(version: 13, name: "how long texts' words are kept") { _ in
            ["ALTER TABLE venues ADD COLUMN message_retention_days INTEGER NULL"]
        },
    ]
}
