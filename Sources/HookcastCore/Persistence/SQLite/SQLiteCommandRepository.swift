import Foundation
import HookcastProtocol

struct SQLiteCommandRepository: CommandRepository {
    let database: SQLiteDatabase

    private static let columns = """
        id, event_id, action_name, function, params, sensor_data, target, expected_devices, issued_at, expires_at, \
        api_key_id, source, published_at, publish_error, trigger_id, step, trace_parent, trace_state
        """
    /// What is read back: the written columns and the count the acknowledgement writer keeps.
    static let readColumns = columns + ", extra_acknowledgements, cancelled_at"

    func insert(_ command: Command) async throws {
        try await database.write(conflictMessage: "command '\(command.id.lowercasedString)' already exists") {
            try Self.insert(command, $0)
        }
    }

    /// One multi-row statement per `Array.rowsPerStatement` commands: every statement is a round trip to SQLite's
    /// thread, and at thousands of webhooks a second those round trips, not the disk, were the limit.
    func insert(_ commands: [Command]) async throws {
        guard !commands.isEmpty else { return }
        try await database.write(conflictMessage: "a command in the batch already exists") { connection in
            // `seq` follows on from the highest; the gate serialises writers, so nobody takes it meanwhile.
            let highest =
                try connection.query("SELECT COALESCE(MAX(seq), 0) AS highest FROM commands")
                .first?.int("highest") ?? 0
            var next = highest + 1
            for chunk in commands.statementChunks {
                let row = "(?, \(placeholderList(Self.columnCount)))"
                var binds: [SQLiteValue] = []
                binds.reserveCapacity(chunk.count * (Self.columnCount + 1))
                for command in chunk {
                    binds.append(.integer(next))
                    binds.append(contentsOf: try Self.values(command))
                    next += 1
                }
                try connection.execute(
                    "INSERT INTO commands (seq, \(Self.columns)) VALUES "
                        + Array(repeating: row, count: chunk.count).joined(separator: ", "),
                    binds)
            }
        }
    }

    func insert(_ commands: [Command], idempotency: IdempotencyRecord) async throws -> IdempotentInsert {
        try await database.write(conflictMessage: "a command of the request already exists") {
            try Self.insert(commands, idempotency: idempotency, $0)
        }
    }

    func insert(_ commands: [Command], idempotency: IdempotencyRecord?, report: CallbackReport) async throws
        -> IdempotentInsert
    {
        try await database.write(conflictMessage: "a command or the callback report of the request already exists") {
            connection in
            let outcome: IdempotentInsert
            if let idempotency {
                outcome = try Self.insert(commands, idempotency: idempotency, connection)
            } else {
                for command in commands { try Self.insert(command, connection) }
                outcome = .inserted
            }
            if case .inserted = outcome { try SQLiteCallbackReportRepository.insert(report, connection) }
            return outcome
        }
    }

    private static func insert(
        _ commands: [Command], idempotency: IdempotencyRecord, _ connection: SQLiteConnection
    ) throws -> IdempotentInsert {
        let cutoff = idempotency.createdAt.addingTimeInterval(-IdempotencyRecord.retention)
        try connection.execute("DELETE FROM idempotency_keys WHERE created_at < ?", [.date(cutoff)])
        let existing = try connection.query(
            """
            SELECT api_key_id, key, fingerprint, command_id, created_at FROM idempotency_keys
            WHERE api_key_id = ? AND key = ?
            """,
            [.uuid(idempotency.apiKeyID), .text(idempotency.key)]
        ).first
        if let existing {
            return .existing(
                IdempotencyRecord(
                    apiKeyID: try existing.uuid("api_key_id"), key: try existing.string("key"),
                    fingerprint: try existing.string("fingerprint"), commandID: try existing.uuid("command_id"),
                    createdAt: try existing.date("created_at")))
        }
        for command in commands { try Self.insert(command, connection) }
        try connection.execute(
            """
            INSERT INTO idempotency_keys (api_key_id, key, fingerprint, command_id, created_at)
            VALUES (?, ?, ?, ?, ?)
            """,
            [
                .uuid(idempotency.apiKeyID), .text(idempotency.key), .text(idempotency.fingerprint),
                .uuid(idempotency.commandID), .date(idempotency.createdAt),
            ])
        return .inserted
    }

    /// `seq` is taken inside the same statement; the gate serialises writers, so it cannot collide.
    private static func insert(_ command: Command, _ connection: SQLiteConnection) throws {
        try connection.execute(
            """
            INSERT INTO commands (seq, \(Self.columns))
            VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM commands), \(placeholderList(Self.columnCount)))
            """,
            try values(command)
        )
    }

    /// The values of `columns`, in order.
    /// The JSON columns are written with `JSONWriter`: every webhook stores one command.
    private static func values(_ command: Command) throws -> [SQLiteValue] {
        [
            .uuid(command.id), .text(command.eventID.rawValue), .text(command.actionName),
            .text(command.function.rawValue), .text(command.params.jsonText),
            command.sensorData.map { .text($0.jsonText) } ?? .null,
            .text(command.target.jsonText), .text(command.expectedDevices.jsonText), .date(command.issuedAt),
            .date(command.expiresAt), .uuid(command.apiKeyID), .text(command.source.rawValue),
            .date(command.publishedAt), .text(command.publishError), .uuid(command.step?.triggerID),
            command.step.map { .integer(Int64($0.index)) } ?? .null, .text(command.trace?.traceparent),
            .text(command.trace?.traceState),
        ]
    }

    /// How many `columns` (and `values`) there are.
    private static let columnCount = 18

    func find(id: UUID) async throws -> Command? {
        try await database.read {
            try $0.query("SELECT \(Self.readColumns) FROM commands WHERE id = ?", [.uuid(id)]).first.map(
                Self.decode)
        }
    }

    func find(triggerID: UUID) async throws -> [Command] {
        try await database.read {
            try $0.query(
                "SELECT \(Self.readColumns) FROM commands WHERE trigger_id = ? ORDER BY step", [.uuid(triggerID)]
            )
            .map(Self.decode)
        }
    }

    func page(offset: Int, limit: Int) async throws -> [Command] {
        try await database.read {
            try $0.query(
                "SELECT \(Self.readColumns) FROM commands ORDER BY issued_at DESC, seq DESC LIMIT ? OFFSET ?",
                [.integer(max(limit, 0)), .integer(max(offset, 0))]
            ).map(Self.decode)
        }
    }

    func count() async throws -> Int {
        try await database.read {
            guard let row = try $0.query("SELECT COUNT(*) AS count FROM commands").first else { return 0 }
            return try row.int("count")
        }
    }

    func markPublished(id: UUID, at date: Date) async throws {
        try await update(
            id, durability: .unsynced,
            "UPDATE commands SET published_at = ?, publish_error = NULL WHERE id = ? RETURNING id",
            [
                .date(date), .uuid(id),
            ]
        )
    }

    func markPublishFailed(id: UUID, error: String) async throws {
        try await update(
            id,
            "UPDATE commands SET publish_error = ? WHERE id = ? RETURNING id",
            [.text(error), .uuid(id)]
        )
    }

    func cancel(id: UUID, at date: Date) async throws -> Command? {
        try await database.write { connection in
            try connection.execute(
                """
                UPDATE commands SET cancelled_at = ?, settled = 1,
                    publish_error = CASE WHEN published_at IS NULL THEN 'cancelled' ELSE publish_error END
                WHERE id = ? AND cancelled_at IS NULL
                """,
                [.date(date), .uuid(id)])
            return try connection.query("SELECT \(Self.readColumns) FROM commands WHERE id = ?", [.uuid(id)])
                .first.map(Self.decode)
        }
    }

    func markSettled(_ ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        try await database.write(durability: .unsynced) { connection in
            for chunk in ids.statementChunks {
                try connection.execute(
                    "UPDATE commands SET settled = 1 WHERE id IN (\(placeholderList(chunk.count)))",
                    chunk.map { SQLiteValue.uuid($0) })
            }
        }
    }

    func markPublished(_ publications: [(id: UUID, at: Date)]) async throws {
        guard !publications.isEmpty else { return }
        // One statement per chunk: the new times as a table of values, joined by id.
        try await database.write(durability: .unsynced) { connection in
            for chunk in publications.statementChunks {
                let rows = Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")
                try connection.execute(
                    """
                    WITH published(id, at) AS (VALUES \(rows))
                    UPDATE commands SET published_at = (SELECT at FROM published WHERE published.id = commands.id),
                        publish_error = NULL
                    WHERE id IN (SELECT id FROM published)
                    """,
                    chunk.flatMap { [SQLiteValue.uuid($0.id), .date($0.at)] })
            }
        }
    }

    func unpublishedCount() async throws -> Int {
        try await database.read {
            guard
                let row = try $0.query(
                    "SELECT COUNT(*) AS count FROM commands WHERE published_at IS NULL AND publish_error IS NULL"
                ).first
            else { return 0 }
            return try row.int("count")
        }
    }

    func unpublished(limit: Int, issuedBefore: Date?) async throws -> [Command] {
        try await database.read {
            try $0.query(
                """
                SELECT \(Self.readColumns) FROM commands WHERE published_at IS NULL AND publish_error IS NULL
                AND issued_at <= ? ORDER BY issued_at, seq LIMIT ?
                """,
                [.date(issuedBefore ?? .distantFuture), .integer(max(limit, 0))]
            ).map(Self.decode)
        }
    }

    private func update(
        _ id: UUID, durability: SQLiteDurability = .synced, _ sql: String, _ binds: [SQLiteValue]
    ) async throws {
        let updated = try await database.write(durability: durability) { try $0.query(sql, binds) }
        guard !updated.isEmpty else {
            throw StoreError.notFound("command '\(id.lowercasedString)' does not exist")
        }
    }

    static func decode(_ row: SQLiteRow) throws -> Command {
        guard let function = ActionFunction(rawValue: try row.string("function")),
            let source = CommandSource(rawValue: try row.string("source"))
        else { throw StoreError.unavailable("The database holds an unreadable command row.") }
        return Command(
            id: try row.uuid("id"),
            eventID: try row.identifier("event_id") { raw throws(ValidationError) in try EventID(raw) },
            actionName: try row.string("action_name"),
            function: function,
            params: try row.json(ActionParameters.self, "params"),
            sensorData: try row.optionalJSON(SensorData.self, "sensor_data"),
            target: try row.json(ActionTarget.self, "target"),
            expectedDevices: try row.deviceIDs("expected_devices"),
            issuedAt: try row.date("issued_at"),
            expiresAt: try row.date("expires_at"),
            apiKeyID: try row.optionalUUID("api_key_id"),
            source: source,
            publishedAt: try row.optionalDate("published_at"),
            publishError: try row.optionalString("publish_error"),
            extraAcknowledgements: try row.int("extra_acknowledgements"),
            cancelledAt: try row.optionalDate("cancelled_at"),
            step: try row.optionalUUID("trigger_id").map { TriggerStep(triggerID: $0, index: try row.int("step")) },
            trace: Command.storedTrace(
                traceparent: try row.optionalString("trace_parent"), tracestate: try row.optionalString("trace_state"))
        )
    }
}
