extension SQLiteMigration {
    /// The holds that keep emergency scopes `on` (EmergencyHold): one per `on` command still in force, with the
    /// state it set and when it ends by itself. Every scope that is `on` now becomes one hold of its command, with no
    /// end, so an upgrade changes nothing on screen.
    static let emergencyHolds = SQLiteMigration(
        version: 22,
        statements: [
            """
            CREATE TABLE emergency_holds (
                command_id TEXT PRIMARY KEY NOT NULL,
                scope TEXT NOT NULL,
                payload TEXT NOT NULL,
                since INTEGER NOT NULL,
                ends_at INTEGER
            ) STRICT
            """,
            "CREATE INDEX emergency_holds_ending ON emergency_holds (ends_at) WHERE ends_at IS NOT NULL",
            """
            INSERT INTO emergency_holds (command_id, scope, payload, since, ends_at)
            SELECT json_extract(payload, '$.command_id'), scope, payload,
                CAST(round((julianday(json_extract(payload, '$.since')) - 2440587.5) * 86400000.0) AS INTEGER),
                NULL
            FROM emergency_states WHERE json_extract(payload, '$.state') = 'on'
            """,
        ]
    )
}
