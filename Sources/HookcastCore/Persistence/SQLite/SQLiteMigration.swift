/// One schema change. A prepared statement holds one SQL statement, so a migration is a list of them; each
/// migration is applied in its own transaction together with its `schema_migrations` row.
struct SQLiteMigration: Sendable {
    let version: Int
    let statements: [String]
}

extension SQLiteMigration {
    /// Every migration, in order. Append new ones; never edit one that has shipped.
    static let all: [SQLiteMigration] = [
        initialSchema, outboxSkipsFailed, deliveries, idempotencyKeys, emergencyStates, activeCommands,
        redeliveries, keyPolicies, settledCommands, reportedState, callerReplayKeys, signingSecretGrace,
        extraAcknowledgements, brokerCredentials, unusedEventIndex, keyScopes, parameterTemplates, cancelledCommands,
        auditLog, actionSteps, callbackReports, emergencyHolds, capAlerts, capFeeds, commandTrace, mqttAccounts,
        retention,
    ]

    /// Dates are Unix milliseconds (INTEGER), UUIDs lowercase text, structured values JSON text.
    static let initialSchema = SQLiteMigration(
        version: 1,
        statements: [
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                enabled INTEGER NOT NULL,
                scope TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                last_used_at INTEGER,
                masked_key TEXT NOT NULL,
                secret_hash BLOB NOT NULL,
                encrypted_secret BLOB NOT NULL
            ) STRICT
            """,
            "CREATE UNIQUE INDEX api_keys_secret_hash ON api_keys (secret_hash)",
            """
            CREATE TABLE devices (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                tags TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT
            """,
            // "groups" is an SQL keyword (window frames), hence the longer name.
            """
            CREATE TABLE device_groups (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE group_members (
                group_id TEXT NOT NULL REFERENCES device_groups (id) ON DELETE CASCADE,
                device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
                PRIMARY KEY (group_id, device_id)
            ) STRICT, WITHOUT ROWID
            """,
            "CREATE INDEX group_members_device ON group_members (device_id)",
            """
            CREATE TABLE actions (
                event_id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                enabled INTEGER NOT NULL,
                function TEXT NOT NULL,
                params TEXT NOT NULL,
                target TEXT NOT NULL,
                ttl_seconds INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            ) STRICT
            """,
            // `seq` orders commands issued in the same millisecond; unlike the implicit rowid, VACUUM keeps it.
            """
            CREATE TABLE commands (
                id TEXT PRIMARY KEY NOT NULL,
                seq INTEGER NOT NULL UNIQUE,
                event_id TEXT NOT NULL,
                action_name TEXT NOT NULL,
                function TEXT NOT NULL,
                params TEXT NOT NULL,
                sensor_data TEXT,
                target TEXT NOT NULL,
                expected_devices TEXT NOT NULL,
                issued_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                api_key_id TEXT,
                source TEXT NOT NULL,
                published_at INTEGER,
                publish_error TEXT
            ) STRICT
            """,
            "CREATE INDEX commands_issued_at ON commands (issued_at, seq)",
            "CREATE INDEX commands_unpublished ON commands (issued_at, seq) WHERE published_at IS NULL",
            "CREATE INDEX commands_event_id ON commands (event_id)",
        ]
    )

    /// A command given up on (expired before the broker was reachable) is no longer waiting to be published:
    /// without this the oldest failed commands would fill every outbox batch for ever.
    static let outboxSkipsFailed = SQLiteMigration(
        version: 2,
        statements: [
            "DROP INDEX commands_unpublished",
            """
            CREATE INDEX commands_unpublished ON commands (issued_at, seq)
            WHERE published_at IS NULL AND publish_error IS NULL
            """,
        ]
    )

    /// Acknowledgements per command and device, the newest per device, and presence.
    static let deliveries = SQLiteMigration(
        version: 3,
        statements: [
            """
            CREATE TABLE command_deliveries (
                command_id TEXT NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
                device_id TEXT NOT NULL,
                state TEXT NOT NULL,
                detail TEXT,
                executed_at INTEGER,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (command_id, device_id)
            ) STRICT
            """,
            """
            CREATE TABLE device_last_acknowledgements (
                device_id TEXT PRIMARY KEY,
                command_id TEXT NOT NULL,
                state TEXT NOT NULL,
                detail TEXT,
                executed_at INTEGER,
                received_at INTEGER NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE device_presence (
                device_id TEXT PRIMARY KEY,
                online INTEGER NOT NULL,
                since INTEGER NOT NULL,
                agent_version TEXT
            ) STRICT
            """,
        ]
    )

    /// Which command each caller's Idempotency-Key produced.
    static let idempotencyKeys = SQLiteMigration(
        version: 4,
        statements: [
            """
            CREATE TABLE idempotency_keys (
                api_key_id TEXT NOT NULL,
                key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                command_id TEXT NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (api_key_id, key)
            ) STRICT
            """,
            "CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)",
        ]
    )

    /// The latched emergency state per scope (the scope's state topic is the key).
    static let emergencyStates = SQLiteMigration(
        version: 5,
        statements: [
            "CREATE TABLE emergency_states (scope TEXT PRIMARY KEY, payload TEXT NOT NULL) STRICT"
        ]
    )

    /// Redelivery looks at published commands that have not expired yet.
    static let activeCommands = SQLiteMigration(
        version: 6,
        statements: [
            "CREATE INDEX commands_active ON commands (expires_at) WHERE published_at IS NOT NULL"
        ]
    )

    /// How often each device was sent a command again, and when last: the trace of a lost or dropped delivery.
    static let redeliveries = SQLiteMigration(
        version: 7,
        statements: [
            """
            CREATE TABLE command_redeliveries (
                command_id TEXT NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
                device_id TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_sent_at INTEGER NOT NULL,
                PRIMARY KEY (command_id, device_id)
            ) STRICT
            """
        ]
    )

    /// Per-key policies: signatures required, a rate limit of its own, the (encrypted) signing secret.
    static let keyPolicies = SQLiteMigration(
        version: 8,
        statements: [
            "ALTER TABLE api_keys ADD COLUMN require_signature INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE api_keys ADD COLUMN rate_limit TEXT",
            "ALTER TABLE api_keys ADD COLUMN signing_secret BLOB",
        ]
    )

    /// Redelivery used to read every active command twice a second, which at thousands of webhooks a second took a
    /// fifth of the gateway's CPU; it now reads only commands some expected device may still owe an answer.
    /// Commands stored before this start unsettled, and redelivery settles them the first time it looks.
    static let settledCommands = SQLiteMigration(
        version: 9,
        statements: [
            "ALTER TABLE commands ADD COLUMN settled INTEGER NOT NULL DEFAULT 0",
            // (issued_at, seq), the scan's own order: on (issued_at) alone SQLite preferred commands_issued_at for
            // the ORDER BY and read the whole settled history, a million rows, twice a second.
            """
            CREATE INDEX commands_unsettled ON commands (issued_at, seq) WHERE settled = 0 AND published_at IS NOT NULL
            """,
            // Read by nothing now; every publish paid for keeping it.
            "DROP INDEX commands_active",
        ]
    )

    /// What each device last reported showing (its presence's `state`, JSON), and when the gateway received it.
    static let reportedState = SQLiteMigration(
        version: 10,
        statements: [
            "ALTER TABLE device_presence ADD COLUMN state TEXT",
            "ALTER TABLE device_presence ADD COLUMN state_reported_at INTEGER",
        ]
    )

    /// A caller's Idempotency-Key and a signed request's webhook-id now have namespaces of their own (`ReplayKey`
    /// in HookcastServer): caller keys starting with `~` (the escape) or `webhook-id:` are stored with one more `~`
    /// in front. Stored `~…` keys get it here, so a caller retrying one after the upgrade still gets its original
    /// command. In two steps through a prefix no stored key can have (keys are printable ASCII), so no step ever
    /// makes two rows' keys equal. Stored `webhook-id:…` keys stay: they cannot be told apart from signed ones.
    static let callerReplayKeys = SQLiteMigration(
        version: 11,
        statements: [
            "UPDATE idempotency_keys SET key = char(1) || key WHERE substr(key, 1, 1) = '~'",
            "UPDATE idempotency_keys SET key = '~~' || substr(key, 3) WHERE substr(key, 1, 1) = char(1)",
        ]
    )

    /// The signing secret a rotation replaced (encrypted like the current one) and until when it is still accepted.
    static let signingSecretGrace = SQLiteMigration(
        version: 12,
        statements: [
            "ALTER TABLE api_keys ADD COLUMN previous_signing_secret BLOB",
            "ALTER TABLE api_keys ADD COLUMN previous_signing_secret_expires_at INTEGER",
        ]
    )

    /// Answers from devices a command did not expect are counted here instead of stored as delivery rows, so a
    /// device account cannot add rows to commands that were never sent to it.
    static let extraAcknowledgements = SQLiteMigration(
        version: 13,
        statements: ["ALTER TABLE commands ADD COLUMN extra_acknowledgements INTEGER NOT NULL DEFAULT 0"]
    )

    /// The SHA-256 (hex) of each device's broker password, never the password, so the gateway can give the
    /// broker plugin back every account it lost without new passwords. Devices made before this have none.
    static let brokerCredentials = SQLiteMigration(
        version: 14,
        statements: ["ALTER TABLE devices ADD COLUMN broker_credential TEXT"]
    )

    /// No query looks commands up by event id; every webhook's insert paid for one more B-tree in its commit.
    static let unusedEventIndex = SQLiteMigration(
        version: 15,
        statements: ["DROP INDEX commands_event_id"]
    )

    /// The events a key may trigger (a JSON array; NULL: every event) and when it expires (NULL: never).
    static let keyScopes = SQLiteMigration(
        version: 16,
        statements: [
            "ALTER TABLE api_keys ADD COLUMN event_ids TEXT",
            "ALTER TABLE api_keys ADD COLUMN expires_at INTEGER",
        ]
    )

    /// The parameters an action fills from each webhook's body (`ParameterTemplates`, JSON; NULL: none).
    static let parameterTemplates = SQLiteMigration(
        version: 17,
        statements: ["ALTER TABLE actions ADD COLUMN param_templates TEXT"]
    )

    /// When an admin cancelled a command; NULL: not cancelled.
    static let cancelledCommands = SQLiteMigration(
        version: 18,
        statements: ["ALTER TABLE commands ADD COLUMN cancelled_at INTEGER"]
    )

    /// The audit log (`AuditRepository`): ids are time-ordered, so the primary key's order is time order and pages
    /// newest first walk it backwards; `(kind, id)` serves the same walk for one kind. Command ids are a JSON array,
    /// before and after the JSON the admin API showed.
    static let auditLog = SQLiteMigration(
        version: 19,
        statements: [
            """
            CREATE TABLE audit_log (
                id TEXT PRIMARY KEY NOT NULL,
                at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                actor_type TEXT NOT NULL,
                actor_id TEXT,
                actor_name TEXT,
                remote_address TEXT,
                event_id TEXT,
                command_ids TEXT NOT NULL,
                status INTEGER,
                error_code TEXT,
                resource TEXT,
                resource_id TEXT,
                operation TEXT,
                before_state TEXT,
                after_state TEXT,
                count INTEGER NOT NULL
            ) STRICT
            """,
            "CREATE INDEX audit_log_kind ON audit_log (kind, id)",
        ]
    )

    /// Actions with several steps and the commands of one call of them: the steps after the first as JSON (the
    /// first stays in the action's own columns, so a single-step action is stored as before), and each command's
    /// trigger (the first step's command id) and step number, indexed for the trigger's cancel and report.
    static let actionSteps = SQLiteMigration(
        version: 20,
        statements: [
            "ALTER TABLE actions ADD COLUMN more_steps TEXT",
            "ALTER TABLE commands ADD COLUMN trigger_id TEXT",
            "ALTER TABLE commands ADD COLUMN step INTEGER",
            "CREATE INDEX commands_trigger ON commands (trigger_id) WHERE trigger_id IS NOT NULL",
        ]
    )
}
