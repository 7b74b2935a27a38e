extension PostgresMigration {
    /// As SQLite's twenty-seventh migration: the foreign key's cascade from a pruned command finds its idempotency
    /// records by index instead of scanning the table.
    static let retention = PostgresMigration(
        version: 15,
        statements: ["CREATE INDEX idempotency_keys_command ON idempotency_keys (command_id)"]
    )
}
