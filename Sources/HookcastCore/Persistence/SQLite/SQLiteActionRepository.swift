import Foundation
import HookcastProtocol

struct SQLiteActionRepository: ActionRepository {
    let database: SQLiteDatabase

    private static let columns =
        "event_id, name, enabled, function, params, target, ttl_seconds, created_at, updated_at, param_templates, more_steps, "
        + "callback_url, callback_secret"

    func insert(_ action: Action) async throws {
        try await database.write(conflictMessage: "action '\(action.eventID)' already exists") {
            try $0.execute(
                "INSERT INTO actions (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .text(action.eventID.rawValue), .text(action.name), .bool(action.enabled),
                    .text(action.function.rawValue), try .json(action.params), try .json(action.target),
                    .integer(action.ttlSeconds), .date(action.createdAt), .date(action.updatedAt),
                    try .json(action.storedTemplates), try .json(action.storedMoreSteps),
                    .text(action.callback?.url), .bytes(action.callback?.encryptedSecret),
                ]
            )
        }
    }

    func all() async throws -> [Action] {
        try await database.read {
            try $0.query("SELECT \(Self.columns) FROM actions ORDER BY event_id").map(Self.decode)
        }
    }

    func find(eventID: EventID) async throws -> Action? {
        try await database.read {
            try $0.query("SELECT \(Self.columns) FROM actions WHERE event_id = ?", [.text(eventID.rawValue)])
                .first.map(Self.decode)
        }
    }

    func update(_ action: Action) async throws {
        let updated = try await database.write {
            try $0.query(
                """
                UPDATE actions SET name = ?, enabled = ?, function = ?, params = ?, target = ?, ttl_seconds = ?,
                updated_at = ?, param_templates = ?, more_steps = ?, callback_url = ?, callback_secret = ?
                WHERE event_id = ? RETURNING event_id
                """,
                [
                    .text(action.name), .bool(action.enabled), .text(action.function.rawValue),
                    try .json(action.params), try .json(action.target), .integer(action.ttlSeconds),
                    .date(action.updatedAt), try .json(action.storedTemplates), try .json(action.storedMoreSteps),
                    .text(action.callback?.url), .bytes(action.callback?.encryptedSecret),
                    .text(action.eventID.rawValue),
                ]
            )
        }
        guard !updated.isEmpty else { throw StoreError.notFound("action '\(action.eventID)' does not exist") }
    }

    func delete(eventID: EventID) async throws -> Bool {
        try await database.write {
            try !$0.query("DELETE FROM actions WHERE event_id = ? RETURNING event_id", [.text(eventID.rawValue)])
                .isEmpty
        }
    }

    static func callback(_ row: SQLiteRow) throws -> CallbackTarget? {
        guard let url = try row.optionalString("callback_url"), let secret = try row.optionalBytes("callback_secret")
        else { return nil }
        return CallbackTarget(url: url, encryptedSecret: secret)
    }

    private static func decode(_ row: SQLiteRow) throws -> Action {
        guard let function = ActionFunction(rawValue: try row.string("function")) else {
            throw StoreError.unavailable("The database holds an unreadable value in column 'function'.")
        }
        return Action(
            eventID: try row.identifier("event_id") { raw throws(ValidationError) in try EventID(raw) },
            name: try row.string("name"),
            enabled: try row.bool("enabled"),
            function: function,
            params: try row.json(ActionParameters.self, "params"),
            templates: try row.optionalJSON(ParameterTemplates.self, "param_templates") ?? ParameterTemplates(),
            target: try row.json(ActionTarget.self, "target"),
            moreSteps: try row.optionalJSON([ActionStep].self, "more_steps") ?? [],
            ttlSeconds: try row.int("ttl_seconds"),
            callback: try Self.callback(row),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}
