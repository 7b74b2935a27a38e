import Foundation
import HookcastProtocol

struct SQLiteGroupRepository: GroupRepository {
    let database: SQLiteDatabase

    func insert(_ group: DeviceGroup) async throws {
        try await database.write(conflictMessage: "group '\(group.id)' already exists") { connection in
            try Self.requireRegistered(group.members, on: connection)
            try connection.execute(
                "INSERT INTO device_groups (id, name, created_at) VALUES (?, ?, ?)",
                [.text(group.id.rawValue), .text(group.name), .date(group.createdAt)]
            )
            try Self.insertMembers(of: group, on: connection)
        }
    }

    func all() async throws -> [DeviceGroup] {
        try await database.read { connection in
            let rows = try connection.query("SELECT id, name, created_at FROM device_groups ORDER BY id")
            var members: [GroupID: [DeviceID]] = [:]
            for row in try connection.query("SELECT group_id, device_id FROM group_members") {
                members[try Self.groupID(row, "group_id"), default: []].append(try Self.deviceID(row))
            }
            return try rows.map { row in try Self.decode(row, members: members[try Self.groupID(row, "id")] ?? []) }
        }
    }

    func find(id: GroupID) async throws -> DeviceGroup? {
        try await database.read { connection in
            guard
                let row = try connection.query(
                    "SELECT id, name, created_at FROM device_groups WHERE id = ?",
                    [.text(id.rawValue)]
                ).first
            else { return nil }
            let members = try connection.query(
                "SELECT device_id FROM group_members WHERE group_id = ?",
                [.text(id.rawValue)]
            ).map(Self.deviceID)
            return try Self.decode(row, members: members)
        }
    }

    func update(_ group: DeviceGroup) async throws {
        try await database.write { connection in
            let updated = try connection.query(
                "UPDATE device_groups SET name = ? WHERE id = ? RETURNING id",
                [.text(group.name), .text(group.id.rawValue)]
            )
            guard !updated.isEmpty else { throw StoreError.notFound("group '\(group.id)' does not exist") }
            try Self.requireRegistered(group.members, on: connection)
            try connection.execute("DELETE FROM group_members WHERE group_id = ?", [.text(group.id.rawValue)])
            try Self.insertMembers(of: group, on: connection)
        }
    }

    /// Memberships go with the group through the foreign key's ON DELETE CASCADE.
    func delete(id: GroupID) async throws -> Bool {
        try await database.write {
            try !$0.query("DELETE FROM device_groups WHERE id = ? RETURNING id", [.text(id.rawValue)]).isEmpty
        }
    }

    func groups(containing device: DeviceID) async throws -> [GroupID] {
        try await database.read {
            try $0.query(
                "SELECT group_id FROM group_members WHERE device_id = ? ORDER BY group_id",
                [.text(device.rawValue)]
            ).map { try Self.groupID($0, "group_id") }
        }
    }

    func groups(containingEach devices: [DeviceID]) async throws -> [DeviceID: [GroupID]] {
        guard !devices.isEmpty else { return [:] }
        return try await database.read { connection in
            var groups = Dictionary(devices.map { ($0, [GroupID]()) }, uniquingKeysWith: { first, _ in first })
            // One statement for all of them; `group_members_device` answers each id of the list.
            for row in try connection.query(
                "SELECT device_id, group_id FROM group_members WHERE device_id IN (SELECT value FROM json_each(?)) "
                    + "ORDER BY device_id, group_id",
                [try .json(devices)]
            ) {
                groups[try Self.deviceID(row), default: []].append(try Self.groupID(row, "group_id"))
            }
            return groups
        }
    }

    /// Checked up front rather than left to the foreign key, whose error does not say which device is unknown.
    private static func requireRegistered(_ members: [DeviceID], on connection: SQLiteConnection) throws {
        guard !members.isEmpty else { return }
        let found = try connection.query(
            "SELECT id FROM devices WHERE id IN (SELECT value FROM json_each(?))",
            [try .json(members)]
        ).map(deviceIDColumn)
        let unknown = Set(members).subtracting(found)
        guard unknown.isEmpty else { throw DeviceGroup.unknownMembersError(Array(unknown)) }
    }

    private static func insertMembers(of group: DeviceGroup, on connection: SQLiteConnection) throws {
        for member in group.members {
            try connection.execute(
                "INSERT INTO group_members (group_id, device_id) VALUES (?, ?)",
                [.text(group.id.rawValue), .text(member.rawValue)]
            )
        }
    }

    private static func decode(_ row: SQLiteRow, members: [DeviceID]) throws -> DeviceGroup {
        DeviceGroup(
            id: try groupID(row, "id"),
            name: try row.string("name"),
            members: members,
            createdAt: try row.date("created_at")
        )
    }

    private static func groupID(_ row: SQLiteRow, _ column: String) throws -> GroupID {
        try row.identifier(column) { raw throws(ValidationError) in try GroupID(raw) }
    }

    private static func deviceID(_ row: SQLiteRow) throws -> DeviceID {
        try row.identifier("device_id") { raw throws(ValidationError) in try DeviceID(raw) }
    }

    private static func deviceIDColumn(_ row: SQLiteRow) throws -> DeviceID {
        try row.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }
    }
}
