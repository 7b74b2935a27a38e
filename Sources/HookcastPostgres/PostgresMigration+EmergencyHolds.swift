extension PostgresMigration {
    /// As SQLite's twenty-second migration: the holds that keep emergency scopes `on`, one per `on` command still in
    /// force; every scope `on` now becomes a hold of its command with no end.
    static let emergencyHolds = PostgresMigration(
        version: 10,
        statements: [
            """
            CREATE TABLE emergency_holds (
                command_id uuid PRIMARY KEY,
                scope TEXT NOT NULL,
                payload TEXT NOT NULL,
                since BIGINT NOT NULL,
                ends_at BIGINT
            )
            """,
            "CREATE INDEX emergency_holds_ending ON emergency_holds (ends_at) WHERE ends_at IS NOT NULL",
            """
            INSERT INTO emergency_holds (command_id, scope, payload, since, ends_at)
            SELECT (payload::json ->> 'command_id')::uuid, scope, payload,
                (extract(epoch FROM (payload::json ->> 'since')::timestamptz) * 1000)::BIGINT, NULL
            FROM emergency_states WHERE payload::json ->> 'state' = 'on'
            """,
        ]
    )
}
