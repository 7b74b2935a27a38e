import Foundation
import HookcastProtocol

struct SQLiteMQTTAccountRepository: MQTTAccountRepository {
    let database: SQLiteDatabase

    private static let columns =
        "username, kind, name, key_id, groups_json, include_commands, description, credential, created_at"

    func insert(_ account: MQTTAccount) async throws {
        let values = try Self.values(account)
        try await database.write(conflictMessage: "MQTT account '\(account.username)' already exists") {
            try $0.execute(
                "INSERT INTO mqtt_accounts (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        }
    }

    func all() async throws -> [MQTTAccount] {
        try await database.read {
            try $0.query("SELECT \(Self.columns) FROM mqtt_accounts ORDER BY username").map(Self.decode)
        }
    }

    func find(username: String) async throws -> MQTTAccount? {
        try await database.read {
            try $0.query("SELECT \(Self.columns) FROM mqtt_accounts WHERE username = ?", [.text(username)])
                .first.map(Self.decode)
        }
    }

    func update(_ account: MQTTAccount) async throws {
        let all = try Self.values(account)
        // kind, key_id, groups_json, include_commands, description, credential; then the user name.
        let values = [all[1]] + all[3...7] + [all[0]]
        try await database.write { connection in
            let changed = try connection.query(
                """
                UPDATE mqtt_accounts SET kind = ?, key_id = ?, groups_json = ?, include_commands = ?,
                    description = ?, credential = ?
                WHERE username = ? RETURNING username
                """, values)
            guard !changed.isEmpty else {
                throw StoreError.notFound("MQTT account '\(account.username)' does not exist")
            }
        }
    }

    func delete(username: String) async throws -> Bool {
        try await database.write {
            try !$0.query("DELETE FROM mqtt_accounts WHERE username = ? RETURNING username", [.text(username)])
                .isEmpty
        }
    }

    func deleteIntegrations(keyID: UUID) async throws -> [MQTTAccount] {
        try await database.write {
            try $0.query("DELETE FROM mqtt_accounts WHERE key_id = ? RETURNING \(Self.columns)", [.uuid(keyID)])
                .map(Self.decode).sorted { $0.username < $1.username }
        }
    }

    func removeGroup(_ group: GroupID) async throws -> [MQTTAccount] {
        try await database.write { connection in
            let observers = try connection.query(
                "SELECT \(Self.columns) FROM mqtt_accounts WHERE groups_json IS NOT NULL ORDER BY username"
            ).map(Self.decode)
            let changed = observers.compactMap { $0.removing(group: group) }
            for account in changed {
                let values = try Self.values(account)
                try connection.execute(
                    "UPDATE mqtt_accounts SET groups_json = ? WHERE username = ?", [values[4], values[0]])
            }
            return changed
        }
    }

    /// In `columns` order.
    private static func values(_ account: MQTTAccount) throws -> [SQLiteValue] {
        var keyID: UUID?
        var groups: [GroupID]?
        var includeCommands = false
        switch account.role {
        case .integration(let key): keyID = key
        case .observer(let scope, let commands): (groups, includeCommands) = (scope, commands)
        }
        return [
            .text(account.username), .text(account.kind.rawValue), .text(account.name.rawValue), .uuid(keyID),
            try .json(groups), .bool(includeCommands), account.description.map(SQLiteValue.text) ?? .null,
            .text(account.credential), .date(account.createdAt),
        ]
    }

    private static func decode(_ row: SQLiteRow) throws -> MQTTAccount {
        let role: MQTTAccount.Role
        switch BrokerClientAccount.Kind(rawValue: try row.string("kind")) {
        case .integration:
            guard let keyID = try row.optionalUUID("key_id") else {
                throw StoreError.unavailable("The database holds an integration account without a key.")
            }
            role = .integration(keyID: keyID)
        case .observer:
            role = .observer(
                groups: try row.optionalJSON([GroupID].self, "groups_json"),
                includeCommands: try row.bool("include_commands"))
        case nil:
            throw StoreError.unavailable("The database holds an MQTT account of an unknown kind.")
        }
        return MQTTAccount(
            name: try MQTTAccountName(try row.string("name")), role: role,
            description: try row.optionalString("description"), createdAt: try row.date("created_at"),
            credential: try row.string("credential"))
    }
}
