import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresMQTTAccountRepository: MQTTAccountRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    /// The columns of an account that change, as bindable values.
    private struct Row {
        var keyID: UUID?
        var groups: String?
        var includeCommands = false

        init(_ account: MQTTAccount) throws {
            switch account.role {
            case .integration(let key): keyID = key
            case .observer(let scope, let commands):
                groups = try scope.map { try PostgresCAPRuleRepository.json($0) }
                includeCommands = commands
            }
        }
    }

    func insert(_ account: MQTTAccount) async throws {
        let row = try Row(account)
        try await pool.write(conflictMessage: "MQTT account '\(account.username)' already exists") { connection in
            try await connection.rows(
                """
                INSERT INTO mqtt_accounts (username, kind, name, key_id, groups_json, include_commands, description,
                    credential, created_at)
                VALUES (\(account.username), \(account.kind.rawValue), \(account.name.rawValue), \(row.keyID),
                    \(row.groups), \(row.includeCommands), \(account.description), \(account.credential),
                    \(account.createdAt.millisecondsSince1970))
                """, logger: logger)
        }
    }

    func all() async throws -> [MQTTAccount] {
        try await pool.read { connection in
            try await connection.rows(
                """
                SELECT username, kind, name, key_id, groups_json, include_commands, description, credential,
                    created_at
                FROM mqtt_accounts ORDER BY username COLLATE "C"
                """, logger: logger
            ).map(Self.decode)
        }
    }

    func find(username: String) async throws -> MQTTAccount? {
        try await pool.read { connection in
            try await connection.rows(
                """
                SELECT username, kind, name, key_id, groups_json, include_commands, description, credential,
                    created_at
                FROM mqtt_accounts WHERE username = \(username)
                """, logger: logger
            ).first.map(Self.decode)
        }
    }

    func update(_ account: MQTTAccount) async throws {
        let row = try Row(account)
        try await pool.write { connection in
            let changed = try await connection.rows(
                """
                UPDATE mqtt_accounts SET kind = \(account.kind.rawValue), key_id = \(row.keyID),
                    groups_json = \(row.groups), include_commands = \(row.includeCommands),
                    description = \(account.description), credential = \(account.credential)
                WHERE username = \(account.username) RETURNING username
                """, logger: logger)
            guard !changed.isEmpty else {
                throw StoreError.notFound("MQTT account '\(account.username)' does not exist")
            }
        }
    }

    func delete(username: String) async throws -> Bool {
        try await pool.write { connection in
            try await !connection.rows(
                "DELETE FROM mqtt_accounts WHERE username = \(username) RETURNING username", logger: logger
            ).isEmpty
        }
    }

    func deleteIntegrations(keyID: UUID) async throws -> [MQTTAccount] {
        try await pool.write { connection in
            try await connection.rows(
                """
                DELETE FROM mqtt_accounts WHERE key_id = \(keyID)
                RETURNING username, kind, name, key_id, groups_json, include_commands, description, credential,
                    created_at
                """, logger: logger
            ).map(Self.decode).sorted { $0.username < $1.username }
        }
    }

    func removeGroup(_ group: GroupID) async throws -> [MQTTAccount] {
        try await pool.write { connection in
            let observers = try await connection.rows(
                """
                SELECT username, kind, name, key_id, groups_json, include_commands, description, credential,
                    created_at
                FROM mqtt_accounts WHERE groups_json IS NOT NULL ORDER BY username COLLATE "C" FOR UPDATE
                """, logger: logger
            ).map(Self.decode)
            let changed = observers.compactMap { $0.removing(group: group) }
            for account in changed {
                let row = try Row(account)
                _ = try await connection.rows(
                    "UPDATE mqtt_accounts SET groups_json = \(row.groups) WHERE username = \(account.username)",
                    logger: logger)
            }
            return changed
        }
    }

    private static func decode(_ row: PostgresRow) throws -> MQTTAccount {
        let values = row.values()
        let role: MQTTAccount.Role
        switch BrokerClientAccount.Kind(rawValue: try values.string("kind")) {
        case .integration:
            guard let keyID = try values.optionalUUID("key_id") else {
                throw StoreError.unavailable("The database holds an integration account without a key.")
            }
            role = .integration(keyID: keyID)
        case .observer:
            role = .observer(
                groups: try values.optionalJSON([GroupID].self, "groups_json"),
                includeCommands: try values.bool("include_commands"))
        case nil:
            throw StoreError.unavailable("The database holds an MQTT account of an unknown kind.")
        }
        return MQTTAccount(
            name: try MQTTAccountName(try values.string("name")), role: role,
            description: try values.optionalString("description"), createdAt: try values.date("created_at"),
            credential: try values.string("credential"))
    }
}
