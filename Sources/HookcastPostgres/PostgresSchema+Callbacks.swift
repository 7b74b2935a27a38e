extension PostgresMigration {
    /// As SQLite's twenty-first migration: the callback URL and encrypted secret of actions and keys, and the
    /// outbox of delivery reports, indexed for the list by state and for the sender's next due attempt.
    static let callbackReports = PostgresMigration(
        version: 9,
        statements: [
            "ALTER TABLE actions ADD COLUMN callback_url TEXT",
            "ALTER TABLE actions ADD COLUMN callback_secret BYTEA",
            "ALTER TABLE api_keys ADD COLUMN callback_url TEXT",
            "ALTER TABLE api_keys ADD COLUMN callback_secret BYTEA",
            """
            CREATE TABLE callback_reports (
                id uuid PRIMARY KEY,
                url TEXT NOT NULL,
                secret BYTEA NOT NULL,
                command_ids TEXT NOT NULL,
                subject TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at BIGINT,
                last_status INTEGER,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                completed_at BIGINT,
                delivered_at BIGINT,
                payload BYTEA,
                webhook_id TEXT
            )
            """,
            "CREATE INDEX callback_reports_state ON callback_reports (state, id)",
            "CREATE INDEX callback_reports_due ON callback_reports (next_attempt_at) WHERE state = 'sending'",
        ]
    )
}
