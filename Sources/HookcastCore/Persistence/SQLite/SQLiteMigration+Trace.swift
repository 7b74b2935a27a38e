extension SQLiteMigration {
    /// The caller's W3C trace context on each command (`Command.trace`): nullable, as most calls carry none.
    static let commandTrace = SQLiteMigration(
        version: 25,
        statements: [
            "ALTER TABLE commands ADD COLUMN trace_parent TEXT",
            "ALTER TABLE commands ADD COLUMN trace_state TEXT",
        ]
    )
}
