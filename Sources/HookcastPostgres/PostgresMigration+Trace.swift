extension PostgresMigration {
    /// As SQLite's twenty-fifth migration: the caller's W3C trace context on each command, nullable.
    static let commandTrace = PostgresMigration(
        version: 13,
        statements: [
            "ALTER TABLE commands ADD COLUMN trace_parent TEXT",
            "ALTER TABLE commands ADD COLUMN trace_state TEXT",
        ]
    )
}
