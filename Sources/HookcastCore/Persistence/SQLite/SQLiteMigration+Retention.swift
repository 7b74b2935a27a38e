extension SQLiteMigration {
    /// Pruning deletes commands in batches (`RetentionRepository`); each deleted command makes SQLite look for its
    /// idempotency records, which without this index is a scan of the whole table per command.
    static let retention = SQLiteMigration(
        version: 27,
        statements: ["CREATE INDEX idempotency_keys_command ON idempotency_keys (command_id)"]
    )
}
