/// The PostgreSQL schema, as migrations applied in order. It starts where the SQLite schema is after its fifteenth
/// migration, with the same tables and columns, so both stores hold the same things the same way: dates as Unix
/// milliseconds (BIGINT), structured values as the JSON text the gateway wrote (TEXT, so what is read back is what
/// was written), ids of devices, groups and events as text, command and key ids as `uuid`.
struct PostgresMigration: Sendable {
    let version: Int
    let statements: [String]
}

extension PostgresMigration {
    /// Every migration, in order. Append new ones; never edit one that has shipped.
    static let all: [PostgresMigration] = [
        initialSchema, sharedByGateways, consoleSessions, keyScopes, parameterTemplates, cancelledCommands,
        auditLog, actionSteps, callbackReports, emergencyHolds, capAlerts, capFeeds, commandTrace, mqttAccounts,
        retention,
    ]

    static let initialSchema = PostgresMigration(
        version: 1,
        statements: [
            """
            CREATE TABLE api_keys (
                id uuid PRIMARY KEY,
                name TEXT NOT NULL,
                enabled BOOLEAN NOT NULL,
                scope TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                last_used_at BIGINT,
                masked_key TEXT NOT NULL,
                secret_hash BYTEA NOT NULL UNIQUE,
                encrypted_secret BYTEA NOT NULL,
                require_signature BOOLEAN NOT NULL DEFAULT FALSE,
                rate_limit TEXT,
                signing_secret BYTEA,
                previous_signing_secret BYTEA,
                previous_signing_secret_expires_at BIGINT
            )
            """,
            """
            CREATE TABLE devices (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                tags TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                broker_credential TEXT
            )
            """,
            "CREATE TABLE device_groups (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)",
            """
            CREATE TABLE group_members (
                group_id TEXT NOT NULL REFERENCES device_groups (id) ON DELETE CASCADE,
                device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
                PRIMARY KEY (group_id, device_id)
            )
            """,
            "CREATE INDEX group_members_device ON group_members (device_id)",
            """
            CREATE TABLE actions (
                event_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                enabled BOOLEAN NOT NULL,
                function TEXT NOT NULL,
                params TEXT NOT NULL,
                target TEXT NOT NULL,
                ttl_seconds INTEGER NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            // `seq` orders commands issued in the same millisecond.
            """
            CREATE TABLE commands (
                id uuid PRIMARY KEY,
                seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
                event_id TEXT NOT NULL,
                action_name TEXT NOT NULL,
                function TEXT NOT NULL,
                params TEXT NOT NULL,
                sensor_data TEXT,
                target TEXT NOT NULL,
                expected_devices TEXT NOT NULL,
                issued_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                api_key_id uuid,
                source TEXT NOT NULL,
                published_at BIGINT,
                publish_error TEXT,
                settled BOOLEAN NOT NULL DEFAULT FALSE,
                extra_acknowledgements INTEGER NOT NULL DEFAULT 0
            )
            """,
            "CREATE INDEX commands_issued_at ON commands (issued_at, seq)",
            """
            CREATE INDEX commands_unpublished ON commands (issued_at, seq)
            WHERE published_at IS NULL AND publish_error IS NULL
            """,
            """
            CREATE INDEX commands_unsettled ON commands (issued_at, seq)
            WHERE NOT settled AND published_at IS NOT NULL
            """,
            """
            CREATE TABLE command_deliveries (
                command_id uuid NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
                device_id TEXT NOT NULL,
                state TEXT NOT NULL,
                detail TEXT,
                executed_at BIGINT,
                received_at BIGINT NOT NULL,
                PRIMARY KEY (command_id, device_id)
            )
            """,
            """
            CREATE TABLE device_last_acknowledgements (
                device_id TEXT PRIMARY KEY,
                command_id uuid NOT NULL,
                state TEXT NOT NULL,
                detail TEXT,
                executed_at BIGINT,
                received_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE device_presence (
                device_id TEXT PRIMARY KEY,
                online BOOLEAN NOT NULL,
                since BIGINT NOT NULL,
                agent_version TEXT,
                state TEXT,
                state_reported_at BIGINT
            )
            """,
            """
            CREATE TABLE idempotency_keys (
                api_key_id uuid NOT NULL,
                key TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                command_id uuid NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (api_key_id, key)
            )
            """,
            "CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)",
            "CREATE TABLE emergency_states (scope TEXT PRIMARY KEY, payload TEXT NOT NULL)",
            """
            CREATE TABLE command_redeliveries (
                command_id uuid NOT NULL REFERENCES commands (id) ON DELETE CASCADE,
                device_id TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                last_sent_at BIGINT NOT NULL,
                PRIMARY KEY (command_id, device_id)
            )
            """,
        ]
    )

    /// What several gateways on one database need (`PostgresSharing`): the settings they must agree on, and
    /// triggers that tell every gateway of the writes it must know of, on the channel `hookcast`. A notice is
    /// sent when its transaction commits, and payloads stay under PostgreSQL's 8,000 bytes: ids go 200 at a time.
    static let sharedByGateways = PostgresMigration(
        version: 2,
        statements: [
            "CREATE TABLE gateway_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            // "a:" acknowledgements of these commands were stored; "c:" these commands were stored.
            """
            CREATE FUNCTION hookcast_notify_ids(prefix text, ids text[]) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                IF ids IS NULL THEN RETURN; END IF;
                FOR i IN 1..array_length(ids, 1) BY 200 LOOP
                    PERFORM pg_notify('hookcast', prefix || array_to_string(ids[i:i + 199], ','));
                END LOOP;
            END $$
            """,
            """
            CREATE FUNCTION hookcast_notify_acknowledged() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM hookcast_notify_ids('a:', (SELECT array_agg(DISTINCT command_id::text) FROM changed));
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION hookcast_notify_commands() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM hookcast_notify_ids('c:', (SELECT array_agg(id::text) FROM changed));
                RETURN NULL;
            END $$
            """,
            // "r:" and the records a gateway caches (CachedRecords' raw values); one notice per statement.
            """
            CREATE FUNCTION hookcast_notify_records() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('hookcast', 'r:' || TG_ARGV[0]);
                RETURN NULL;
            END $$
            """,
            // An acknowledgement is an upsert: its INSERT and UPDATE halves each have a trigger (a trigger with
            // a transition table fires on one kind of event).
            """
            CREATE TRIGGER command_deliveries_inserted AFTER INSERT ON command_deliveries
            REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION hookcast_notify_acknowledged()
            """,
            """
            CREATE TRIGGER command_deliveries_updated AFTER UPDATE ON command_deliveries
            REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION hookcast_notify_acknowledged()
            """,
            """
            CREATE TRIGGER commands_inserted AFTER INSERT ON commands
            REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION hookcast_notify_commands()
            """,
        ] + recordTriggers
    )

    private static let recordTriggers = [
        ("api_keys", "keys"), ("devices", "fleet"), ("device_groups", "fleet"), ("group_members", "fleet"),
        ("actions", "actions"),
    ].map { table, records in
        """
        CREATE TRIGGER \(table)_changed AFTER INSERT OR UPDATE OR DELETE ON \(table)
        FOR EACH STATEMENT EXECUTE FUNCTION hookcast_notify_records('\(records)')
        """
    }

    /// Console sessions every gateway honours (`PostgresSharing+Sessions`); deleting one tells every gateway,
    /// "e:" and its digest, so its open event streams end at once wherever they are.
    static let consoleSessions = PostgresMigration(
        version: 3,
        statements: [
            """
            CREATE TABLE console_sessions (
                digest TEXT PRIMARY KEY,
                csrf_token TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                token_generation BIGINT NOT NULL
            )
            """,
            "CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at)",
            """
            CREATE FUNCTION hookcast_notify_sessions_ended() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                ended record;
            BEGIN
                FOR ended IN SELECT digest FROM gone LOOP
                    PERFORM pg_notify('hookcast', 'e:' || ended.digest);
                END LOOP;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER console_sessions_deleted AFTER DELETE ON console_sessions
            REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION hookcast_notify_sessions_ended()
            """,
        ]
    )

    /// The events a key may trigger (a JSON array; NULL: every event) and when it expires (NULL: never), as
    /// SQLite's sixteenth migration adds them.
    static let keyScopes = PostgresMigration(
        version: 4,
        statements: [
            "ALTER TABLE api_keys ADD COLUMN event_ids TEXT",
            "ALTER TABLE api_keys ADD COLUMN expires_at BIGINT",
        ]
    )

    /// The parameters an action fills from each webhook's body (JSON; NULL: none), as SQLite's seventeenth
    /// migration adds them.
    static let parameterTemplates = PostgresMigration(
        version: 5,
        statements: ["ALTER TABLE actions ADD COLUMN param_templates TEXT"]
    )

    /// When an admin cancelled a command (NULL: not cancelled), as SQLite's eighteenth migration adds it.
    static let cancelledCommands = PostgresMigration(
        version: 6,
        statements: ["ALTER TABLE commands ADD COLUMN cancelled_at BIGINT"]
    )

    /// The audit log, as SQLite's nineteenth migration makes it: time-ordered ids, so pages newest first walk the
    /// primary key (or `(kind, id)` for one kind) backwards.
    static let auditLog = PostgresMigration(
        version: 7,
        statements: [
            """
            CREATE TABLE audit_log (
                id uuid PRIMARY KEY,
                at BIGINT NOT NULL,
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
            )
            """,
            "CREATE INDEX audit_log_kind ON audit_log (kind, id)",
        ]
    )

    /// As SQLite's twentieth migration: the steps after the first as JSON, and each command's trigger and step.
    static let actionSteps = PostgresMigration(
        version: 8,
        statements: [
            "ALTER TABLE actions ADD COLUMN more_steps TEXT",
            "ALTER TABLE commands ADD COLUMN trigger_id uuid",
            "ALTER TABLE commands ADD COLUMN step INTEGER",
            "CREATE INDEX commands_trigger ON commands (trigger_id) WHERE trigger_id IS NOT NULL",
        ]
    )
}
