import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresGroupRepository: GroupRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    func insert(_ group: DeviceGroup) async throws {
        try await pool.write(conflictMessage: "group '\(group.id)' already exists") { connection in
            try await requireRegistered(group.members, connection)
            try await connection.rows(
                """
                INSERT INTO device_groups (id, name, created_at)
                VALUES (\(group.id.rawValue), \(group.name), \(group.createdAt.millisecondsSince1970))
                """, logger: logger)
            try await insertMembers(of: group, connection)
        }
    }

    func all() async throws -> [DeviceGroup] {
        try await pool.read { connection in
            let rows = try await connection.rows(
                "SELECT id, name, created_at FROM device_groups ORDER BY id COLLATE \"C\"", logger: logger)
            var members: [GroupID: [DeviceID]] = [:]
            for row in try await connection.rows(
                "SELECT group_id, device_id FROM group_members ORDER BY device_id COLLATE \"C\"", logger: logger)
            {
                let values = row.values()
                members[try Self.groupID(values, "group_id"), default: []].append(try Self.deviceID(values))
            }
            return try rows.map { row in
                try Self.decode(row, members: members[try Self.groupID(row.values(), "id")] ?? [])
            }
        }
    }

    func find(id: GroupID) async throws -> DeviceGroup? {
        try await pool.read { connection in
            guard
                let row = try await connection.rows(
                    "SELECT id, name, created_at FROM device_groups WHERE id = \(id.rawValue)", logger: logger
                ).first
            else { return nil }
            let members = try await connection.rows(
                "SELECT device_id FROM group_members WHERE group_id = \(id.rawValue) ORDER BY device_id COLLATE \"C\"",
                logger: logger
            ).map { try Self.deviceID($0.values()) }
            return try Self.decode(row, members: members)
        }
    }

    func update(_ group: DeviceGroup) async throws {
        try await pool.write { connection in
            let updated = try await connection.rows(
                "UPDATE device_groups SET name = \(group.name) WHERE id = \(group.id.rawValue) RETURNING id",
                logger: logger)
            guard !updated.isEmpty else { throw StoreError.notFound("group '\(group.id)' does not exist") }
            try await requireRegistered(group.members, connection)
            try await connection.rows(
                "DELETE FROM group_members WHERE group_id = \(group.id.rawValue)", logger: logger)
            try await insertMembers(of: group, connection)
        }
    }

    /// Memberships go with the group through the foreign key's ON DELETE CASCADE.
    func delete(id: GroupID) async throws -> Bool {
        try await pool.write { connection in
            try await !connection.rows(
                "DELETE FROM device_groups WHERE id = \(id.rawValue) RETURNING id", logger: logger
            ).isEmpty
        }
    }

    func groups(containing device: DeviceID) async throws -> [GroupID] {
        try await pool.read { connection in
            try await connection.rows(
                """
                SELECT group_id FROM group_members WHERE device_id = \(device.rawValue)
                ORDER BY group_id COLLATE "C"
                """, logger: logger
            ).map { try Self.groupID($0.values(), "group_id") }
        }
    }

    func groups(containingEach devices: [DeviceID]) async throws -> [DeviceID: [GroupID]] {
        guard !devices.isEmpty else { return [:] }
        let raw = devices.map(\.rawValue)
        return try await pool.read { connection in
            var groups = Dictionary(devices.map { ($0, [GroupID]()) }, uniquingKeysWith: { first, _ in first })
            for row in try await connection.rows(
                """
                SELECT device_id, group_id FROM group_members WHERE device_id = ANY(\(raw))
                ORDER BY device_id COLLATE "C", group_id COLLATE "C"
                """, logger: logger)
            {
                let values = row.values()
                groups[try Self.deviceID(values), default: []].append(try Self.groupID(values, "group_id"))
            }
            return groups
        }
    }

    /// Checked up front rather than left to the foreign key, whose error does not say which device is unknown.
    private func requireRegistered(_ members: [DeviceID], _ connection: PostgresConnection) async throws {
        guard !members.isEmpty else { return }
        let raw = members.map(\.rawValue)
        let found = try await connection.rows("SELECT id FROM devices WHERE id = ANY(\(raw))", logger: logger).map {
            try $0.values().identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }
        }
        let unknown = Set(members).subtracting(found)
        guard unknown.isEmpty else { throw DeviceGroup.unknownMembersError(Array(unknown)) }
    }

    private func insertMembers(of group: DeviceGroup, _ connection: PostgresConnection) async throws {
        guard !group.members.isEmpty else { return }
        let members = group.members.map(\.rawValue)
        try await connection.rows(
            """
            INSERT INTO group_members (group_id, device_id)
            SELECT \(group.id.rawValue), member FROM UNNEST(\(members)::text[]) AS member
            """, logger: logger)
    }

    private static func decode(_ row: PostgresRow, members: [DeviceID]) throws -> DeviceGroup {
        let values = row.values()
        return DeviceGroup(
            id: try groupID(values, "id"), name: try values.string("name"), members: members,
            createdAt: try values.date("created_at"))
    }

    private static func groupID(_ values: PostgresRandomAccessRow, _ column: String) throws -> GroupID {
        try values.identifier(column) { raw throws(ValidationError) in try GroupID(raw) }
    }

    private static func deviceID(_ values: PostgresRandomAccessRow) throws -> DeviceID {
        try values.identifier("device_id") { raw throws(ValidationError) in try DeviceID(raw) }
    }
}
