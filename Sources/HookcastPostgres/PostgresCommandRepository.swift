import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresCommandRepository: CommandRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    static let columns = """
        id, event_id, action_name, function, params, sensor_data, target, expected_devices, issued_at, expires_at, \
        api_key_id, source, published_at, publish_error, trigger_id, step, trace_parent, trace_state
        """
    /// What is read back: the written columns and the count the acknowledgement writer keeps.
    static let readColumns = columns + ", extra_acknowledgements, cancelled_at"

    func insert(_ command: Command) async throws {
        try await pool.write(conflictMessage: "command '\(command.id.lowercasedString)' already exists") {
            try await insert([command], $0)
        }
    }

    func insert(_ commands: [Command]) async throws {
        guard !commands.isEmpty else { return }
        try await pool.write(conflictMessage: "a command in the batch already exists") {
            try await insert(commands, $0)
        }
    }

    /// One multi-row statement per 1,000 commands; `seq` (an identity column) numbers them in the order given.
    private func insert(_ commands: [Command], _ connection: PostgresConnection) async throws {
        for chunk in commands.statementChunks {
            var statement = PostgresStatement()
            var rows: [String] = []
            for command in chunk { rows.append("(\(try Self.bind(command, &statement).joined(separator: ", ")))") }
            try await connection.rows(
                statement.query("INSERT INTO commands (\(Self.columns)) VALUES " + rows.joined(separator: ", ")),
                logger: logger)
        }
    }

    /// Same-key requests take turns on a transaction-level advisory lock of their (key id, key), so two of them
    /// arriving together at two connections cannot both insert: the second finds the first's record.
    func insert(_ commands: [Command], idempotency: IdempotencyRecord) async throws -> IdempotentInsert {
        try await pool.write(conflictMessage: "a command of the request already exists") {
            try await insert(commands, idempotency: idempotency, $0)
        }
    }

    func insert(_ commands: [Command], idempotency: IdempotencyRecord?, report: CallbackReport) async throws
        -> IdempotentInsert
    {
        let reportInsert = try PostgresCallbackReportRepository.insertQuery(report)
        return try await pool.write(conflictMessage: "a command or the callback report of the request already exists") {
            [logger] connection in
            let outcome: IdempotentInsert
            if let idempotency {
                outcome = try await insert(commands, idempotency: idempotency, connection)
            } else {
                try await insert(commands, connection)
                outcome = .inserted
            }
            if case .inserted = outcome { try await connection.rows(reportInsert, logger: logger) }
            return outcome
        }
    }

    private func insert(
        _ commands: [Command], idempotency: IdempotencyRecord, _ connection: PostgresConnection
    ) async throws -> IdempotentInsert {
        let lockName = idempotency.apiKeyID.lowercasedString + " " + idempotency.key
        try await connection.rows("SELECT pg_advisory_xact_lock(hashtextextended(\(lockName), 0))", logger: logger)
        let cutoff = idempotency.createdAt.addingTimeInterval(-IdempotencyRecord.retention).millisecondsSince1970
        try await connection.rows("DELETE FROM idempotency_keys WHERE created_at < \(cutoff)", logger: logger)
        if let existing = try await connection.rows(
            """
            SELECT api_key_id, key, fingerprint, command_id, created_at FROM idempotency_keys
            WHERE api_key_id = \(idempotency.apiKeyID) AND key = \(idempotency.key)
            """, logger: logger
        ).first?.values() {
            return .existing(
                IdempotencyRecord(
                    apiKeyID: try existing.uuid("api_key_id"), key: try existing.string("key"),
                    fingerprint: try existing.string("fingerprint"), commandID: try existing.uuid("command_id"),
                    createdAt: try existing.date("created_at")))
        }
        try await insert(commands, connection)
        try await connection.rows(
            """
            INSERT INTO idempotency_keys (api_key_id, key, fingerprint, command_id, created_at)
            VALUES (\(idempotency.apiKeyID), \(idempotency.key), \(idempotency.fingerprint),
                \(idempotency.commandID), \(idempotency.createdAt.millisecondsSince1970))
            """, logger: logger)
        return .inserted
    }

    /// Binds the values of `columns`, in order, and returns their placeholders.
    private static func bind(_ command: Command, _ statement: inout PostgresStatement) throws -> [String] {
        [
            statement.bind(command.id), statement.bind(command.eventID.rawValue), statement.bind(command.actionName),
            statement.bind(command.function.rawValue), statement.bind(command.params.jsonText),
            statement.bind { $0.append(text: command.sensorData?.jsonText) },
            statement.bind(command.target.jsonText), statement.bind(command.expectedDevices.jsonText),
            statement.bind { $0.append(date: command.issuedAt) }, statement.bind { $0.append(date: command.expiresAt) },
            statement.bind { bindings in
                if let key = command.apiKeyID { bindings.append(key) } else { bindings.appendNull() }
            },
            statement.bind(command.source.rawValue), statement.bind { $0.append(date: command.publishedAt) },
            statement.bind { $0.append(text: command.publishError) },
            statement.bind { bindings in
                if let step = command.step { bindings.append(step.triggerID) } else { bindings.appendNull() }
            },
            statement.bind { bindings in
                if let step = command.step { bindings.append(step.index) } else { bindings.appendNull() }
            },
            statement.bind { $0.append(text: command.trace?.traceparent) },
            statement.bind { $0.append(text: command.trace?.traceState) },
        ]
    }

    func find(id: UUID) async throws -> Command? {
        try await select("WHERE id = $1", bindings: { $0.append(id) }).first
    }

    func find(triggerID: UUID) async throws -> [Command] {
        try await select("WHERE trigger_id = $1 ORDER BY step", bindings: { $0.append(triggerID) })
    }

    func page(offset: Int, limit: Int) async throws -> [Command] {
        try await select(
            "ORDER BY issued_at DESC, seq DESC LIMIT $1 OFFSET $2",
            bindings: {
                $0.append(max(limit, 0)); $0.append(max(offset, 0))
            })
    }

    func count() async throws -> Int {
        try await pool.read { connection in
            try await connection.rows("SELECT COUNT(*) AS count FROM commands", logger: logger).first?.values()
                .int("count") ?? 0
        }
    }

    func markPublished(id: UUID, at date: Date) async throws {
        try await update(
            id,
            "UPDATE commands SET published_at = \(date.millisecondsSince1970), publish_error = NULL WHERE id = \(id) RETURNING id"
        )
    }

    func markPublishFailed(id: UUID, error: String) async throws {
        try await update(id, "UPDATE commands SET publish_error = \(error) WHERE id = \(id) RETURNING id")
    }

    func markPublished(_ publications: [(id: UUID, at: Date)]) async throws {
        guard !publications.isEmpty else { return }
        let ids = publications.map(\.id)
        let times = publications.map(\.at.millisecondsSince1970)
        try await pool.write { connection in
            try await connection.rows(
                """
                UPDATE commands SET published_at = published.at, publish_error = NULL
                FROM UNNEST(\(ids)::uuid[], \(times)::bigint[]) AS published (id, at) WHERE commands.id = published.id
                """, logger: logger)
        }
    }

    func unpublished(limit: Int, issuedBefore: Date?) async throws -> [Command] {
        try await select(
            """
            WHERE published_at IS NULL AND publish_error IS NULL AND issued_at <= $1
            ORDER BY issued_at, seq LIMIT $2
            """,
            bindings: {
                $0.append((issuedBefore ?? .distantFuture).millisecondsSince1970)
                $0.append(max(limit, 0))
            })
    }

    func unpublishedCount() async throws -> Int {
        try await pool.read { connection in
            try await connection.rows(
                "SELECT COUNT(*) AS count FROM commands WHERE published_at IS NULL AND publish_error IS NULL",
                logger: logger
            ).first?.values().int("count") ?? 0
        }
    }

    func cancel(id: UUID, at date: Date) async throws -> Command? {
        let milliseconds = date.millisecondsSince1970
        let select: PostgresQuery = "SELECT \(unescaped: Self.readColumns) FROM commands WHERE id = \(id)"
        return try await pool.write { connection in
            let changed = try await connection.rows(
                """
                UPDATE commands SET cancelled_at = \(milliseconds), settled = TRUE,
                    publish_error = CASE WHEN published_at IS NULL THEN 'cancelled' ELSE publish_error END
                WHERE id = \(id) AND cancelled_at IS NULL RETURNING id
                """, logger: logger)
            // Every gateway's waiting callers and live views look at the command again, as after an answer.
            if !changed.isEmpty {
                try await connection.rows(
                    "SELECT pg_notify(\(PostgresSharing.channel), \("a:" + id.lowercasedString))", logger: logger)
            }
            return try await connection.rows(select, logger: logger).first.map(Self.decode)
        }
    }

    func markSettled(_ ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        try await pool.write { connection in
            try await connection.rows("UPDATE commands SET settled = TRUE WHERE id = ANY(\(ids))", logger: logger)
        }
    }

    func select(_ clause: String, bindings: (inout PostgresBindings) -> Void) async throws -> [Command] {
        var binds = PostgresBindings()
        bindings(&binds)
        let query = PostgresQuery(unsafeSQL: "SELECT \(Self.readColumns) FROM commands \(clause)", binds: binds)
        return try await pool.read { connection in try await connection.rows(query, logger: logger).map(Self.decode) }
    }

    private func update(_ id: UUID, _ query: PostgresQuery) async throws {
        let updated = try await pool.write { connection in try await connection.rows(query, logger: logger).count }
        guard updated > 0 else { throw StoreError.notFound("command '\(id.lowercasedString)' does not exist") }
    }

    private static func decode(_ row: PostgresRow) throws -> Command {
        let values = row.values()
        guard let function = ActionFunction(rawValue: try values.string("function")),
            let source = CommandSource(rawValue: try values.string("source"))
        else { throw StoreError.unavailable("The database holds an unreadable command row.") }
        return Command(
            id: try values.uuid("id"),
            eventID: try values.identifier("event_id") { raw throws(ValidationError) in try EventID(raw) },
            actionName: try values.string("action_name"),
            function: function,
            params: try values.json(ActionParameters.self, "params"),
            sensorData: try values.optionalJSON(SensorData.self, "sensor_data"),
            target: try values.json(ActionTarget.self, "target"),
            expectedDevices: try values.deviceIDs("expected_devices"),
            issuedAt: try values.date("issued_at"),
            expiresAt: try values.date("expires_at"),
            apiKeyID: try values.optionalUUID("api_key_id"),
            source: source,
            publishedAt: try values.optionalDate("published_at"),
            publishError: try values.optionalString("publish_error"),
            extraAcknowledgements: try values.int("extra_acknowledgements"),
            cancelledAt: try values.optionalDate("cancelled_at"),
            step: try values.optionalUUID("trigger_id").map {
                TriggerStep(triggerID: $0, index: try values.int("step"))
            },
            trace: Command.storedTrace(
                traceparent: try values.optionalString("trace_parent"),
                tracestate: try values.optionalString("trace_state"))
        )
    }
}
