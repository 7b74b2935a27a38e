extension SQLiteMigration {
    /// Integration and observer accounts on the broker (docs/integrations.md, "MQTT accounts"): one table for both
    /// kinds. `groups` is a JSON array of an observer's groups, NULL for the whole fleet; `credential` the SHA-256
    /// of the password, never the password.
    static let mqttAccounts = SQLiteMigration(
        version: 26,
        statements: [
            """
            CREATE TABLE mqtt_accounts (
                username TEXT PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                key_id TEXT,
                groups_json TEXT,
                include_commands INTEGER NOT NULL,
                description TEXT,
                credential TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT
            """,
            "CREATE INDEX mqtt_accounts_key ON mqtt_accounts (key_id) WHERE key_id IS NOT NULL",
        ]
    )
}
