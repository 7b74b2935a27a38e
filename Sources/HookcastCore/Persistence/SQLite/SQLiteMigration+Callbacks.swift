extension SQLiteMigration {
    /// Delivery reports to callback URLs: the URL and encrypted signing secret an action or a key names, and the
    /// outbox of reports, each with a copy of its URL and secret, indexed for the list by state and for the sender's
    /// next due attempt.
    static let callbackReports = SQLiteMigration(
        version: 21,
        statements: [
            "ALTER TABLE actions ADD COLUMN callback_url TEXT",
            "ALTER TABLE actions ADD COLUMN callback_secret BLOB",
            "ALTER TABLE api_keys ADD COLUMN callback_url TEXT",
            "ALTER TABLE api_keys ADD COLUMN callback_secret BLOB",
            """
            CREATE TABLE callback_reports (
                id TEXT PRIMARY KEY NOT NULL,
                url TEXT NOT NULL,
                secret BLOB NOT NULL,
                command_ids TEXT NOT NULL,
                subject TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at INTEGER,
                last_status INTEGER,
                last_error TEXT,
                created_at INTEGER NOT NULL,
                completed_at INTEGER,
                delivered_at INTEGER,
                payload BLOB,
                webhook_id TEXT
            ) STRICT
            """,
            "CREATE INDEX callback_reports_state ON callback_reports (state, id)",
            "CREATE INDEX callback_reports_due ON callback_reports (next_attempt_at) WHERE state = 'sending'",
        ]
    )
}
