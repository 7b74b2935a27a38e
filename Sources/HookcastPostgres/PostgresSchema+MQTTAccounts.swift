extension PostgresMigration {
    /// As SQLite's twenty-sixth migration: integration and observer accounts on the broker, one table for both
    /// kinds; `groups_json` NULL for an observer of the whole fleet.
    static let mqttAccounts = PostgresMigration(
        version: 14,
        statements: [
            """
            CREATE TABLE mqtt_accounts (
                username TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                key_id uuid,
                groups_json TEXT,
                include_commands BOOLEAN NOT NULL,
                description TEXT,
                credential TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX mqtt_accounts_key ON mqtt_accounts (key_id) WHERE key_id IS NOT NULL",
        ]
    )
}
