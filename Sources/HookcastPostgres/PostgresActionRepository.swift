import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresActionRepository: ActionRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    private static let columns =
        "event_id, name, enabled, function, params, target, ttl_seconds, created_at, updated_at, param_templates, more_steps, "
        + "callback_url, callback_secret"

    func insert(_ action: Action) async throws {
        var statement = PostgresStatement()
        let values = try [
            statement.bind(action.eventID.rawValue), statement.bind(action.name), statement.bind(action.enabled),
            statement.bind(action.function.rawValue), statement.bind { try $0.append(json: action.params) },
            statement.bind { try $0.append(json: action.target) }, statement.bind(action.ttlSeconds),
            statement.bind { $0.append(date: action.createdAt) }, statement.bind { $0.append(date: action.updatedAt) },
            statement.bind { try $0.append(json: action.storedTemplates) },
            statement.bind { try $0.append(json: action.storedMoreSteps) },
            statement.bind { $0.append(text: action.callback?.url) },
            statement.bind { $0.append(bytes: action.callback?.encryptedSecret) },
        ]
        let query = statement.query(
            "INSERT INTO actions (\(Self.columns)) VALUES (\(values.joined(separator: ", ")))")
        try await pool.write(conflictMessage: "action '\(action.eventID)' already exists") { connection in
            try await connection.rows(query, logger: logger)
        }
    }

    func all() async throws -> [Action] {
        try await pool.read { connection in
            try await connection.rows(
                PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM actions ORDER BY event_id COLLATE \"C\""),
                logger: logger
            ).map(Self.decode)
        }
    }

    func find(eventID: EventID) async throws -> Action? {
        var statement = PostgresStatement()
        let id = statement.bind(eventID.rawValue)
        let query = statement.query("SELECT \(Self.columns) FROM actions WHERE event_id = \(id)")
        return try await pool.read { connection in
            try await connection.rows(query, logger: logger).first.map(Self.decode)
        }
    }

    func update(_ action: Action) async throws {
        var statement = PostgresStatement()
        let sql = try """
        UPDATE actions SET name = \(statement.bind(action.name)), enabled = \(statement.bind(action.enabled)),
            function = \(statement.bind(action.function.rawValue)),
            params = \(statement.bind { try $0.append(json: action.params) }),
            target = \(statement.bind { try $0.append(json: action.target) }),
            ttl_seconds = \(statement.bind(action.ttlSeconds)),
            updated_at = \(statement.bind { $0.append(date: action.updatedAt) }),
            param_templates = \(statement.bind { try $0.append(json: action.storedTemplates) }),
            more_steps = \(statement.bind { try $0.append(json: action.storedMoreSteps) }),
            callback_url = \(statement.bind { $0.append(text: action.callback?.url) }),
            callback_secret = \(statement.bind { $0.append(bytes: action.callback?.encryptedSecret) })
        WHERE event_id = \(statement.bind(action.eventID.rawValue)) RETURNING event_id
        """
        let query = statement.query(sql)
        let updated = try await pool.write { connection in
            try await connection.rows(query, logger: logger).count
        }
        guard updated > 0 else { throw StoreError.notFound("action '\(action.eventID)' does not exist") }
    }

    func delete(eventID: EventID) async throws -> Bool {
        try await pool.write { connection in
            try await !connection.rows(
                "DELETE FROM actions WHERE event_id = \(eventID.rawValue) RETURNING event_id", logger: logger
            ).isEmpty
        }
    }

    static func callback(_ values: PostgresRandomAccessRow) throws -> CallbackTarget? {
        guard let url = try values.optionalString("callback_url"),
            let secret = try values.optionalBytes("callback_secret")
        else { return nil }
        return CallbackTarget(url: url, encryptedSecret: secret)
    }

    private static func decode(_ row: PostgresRow) throws -> Action {
        let values = row.values()
        guard let function = ActionFunction(rawValue: try values.string("function")) else {
            throw StoreError.unavailable("The database holds an unreadable value in column 'function'.")
        }
        return Action(
            eventID: try values.identifier("event_id") { raw throws(ValidationError) in try EventID(raw) },
            name: try values.string("name"),
            enabled: try values.bool("enabled"),
            function: function,
            params: try values.json(ActionParameters.self, "params"),
            templates: try values.optionalJSON(ParameterTemplates.self, "param_templates") ?? ParameterTemplates(),
            target: try values.json(ActionTarget.self, "target"),
            moreSteps: try values.optionalJSON([ActionStep].self, "more_steps") ?? [],
            ttlSeconds: try values.int("ttl_seconds"),
            callback: try Self.callback(values),
            createdAt: try values.date("created_at"),
            updatedAt: try values.date("updated_at")
        )
    }
}
