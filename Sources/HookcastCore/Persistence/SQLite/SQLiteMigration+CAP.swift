extension SQLiteMigration {
    /// CAP rules and the CAP messages received (docs/cap.md). Each is kept as the JSON the gateway wrote, with the
    /// columns it is looked up by: a message's key (sender, identifier, sent) is unique, so it is acted on once.
    static let capAlerts = SQLiteMigration(
        version: 23,
        statements: [
            """
            CREATE TABLE cap_rules (
                id TEXT PRIMARY KEY NOT NULL,
                rule TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE cap_alerts (
                id TEXT PRIMARY KEY NOT NULL,
                sender TEXT NOT NULL,
                identifier TEXT NOT NULL,
                sent TEXT NOT NULL,
                received_at INTEGER NOT NULL,
                record TEXT NOT NULL,
                UNIQUE (sender, identifier, sent)
            ) STRICT
            """,
        ]
    )
}
