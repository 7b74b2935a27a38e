extension PostgresMigration {
    /// As SQLite's twenty-third migration: CAP rules and the CAP messages received, as JSON, a message's key unique.
    static let capAlerts = PostgresMigration(
        version: 11,
        statements: [
            """
            CREATE TABLE cap_rules (
                id TEXT PRIMARY KEY,
                rule TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE cap_alerts (
                id uuid PRIMARY KEY,
                sender TEXT NOT NULL,
                identifier TEXT NOT NULL,
                sent TEXT NOT NULL,
                received_at BIGINT NOT NULL,
                record TEXT NOT NULL,
                UNIQUE (sender, identifier, sent)
            )
            """,
        ]
    )
}
