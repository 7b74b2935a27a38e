import Foundation
import HookcastProtocol

struct SQLiteDeviceRepository: DeviceRepository {
    let database: SQLiteDatabase

    func insert(_ device: Device) async throws {
        try await database.write(conflictMessage: "device '\(device.id)' already exists") {
            try $0.execute(
                "INSERT INTO devices (id, name, tags, created_at) VALUES (?, ?, ?, ?)",
                [.text(device.id.rawValue), .text(device.name), try .json(device.tags), .date(device.createdAt)]
            )
        }
    }

    func all() async throws -> [Device] {
        try await database.read {
            try $0.query("SELECT id, name, tags, created_at FROM devices ORDER BY id").map(Self.decode)
        }
    }

    func find(id: DeviceID) async throws -> Device? {
        try await database.read {
            try $0.query("SELECT id, name, tags, created_at FROM devices WHERE id = ?", [.text(id.rawValue)])
                .first.map(Self.decode)
        }
    }

    func update(_ device: Device) async throws {
        let updated = try await database.write {
            try $0.query(
                "UPDATE devices SET name = ?, tags = ? WHERE id = ? RETURNING id",
                [.text(device.name), try .json(device.tags), .text(device.id.rawValue)]
            )
        }
        guard !updated.isEmpty else { throw StoreError.notFound("device '\(device.id)' does not exist") }
    }

    /// Group memberships go with the device through the foreign key's ON DELETE CASCADE.
    func delete(id: DeviceID) async throws -> Bool {
        try await database.write {
            try !$0.query("DELETE FROM devices WHERE id = ? RETURNING id", [.text(id.rawValue)]).isEmpty
        }
    }

    func allIDs() async throws -> [DeviceID] {
        try await database.write {
            try $0.query("SELECT id FROM devices ORDER BY id").map { row in
                try row.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }
            }
        }
    }

    /// One statement per 500 devices: `UPDATE … FROM (VALUES …)` joins the new credentials by id.
    func setBrokerCredentials(_ credentials: [DeviceID: String]) async throws {
        guard !credentials.isEmpty else { return }
        let rows = Array(credentials)
        try await database.write { connection in
            for chunk in rows.statementChunks {
                let values = Array(repeating: "(?, ?)", count: chunk.count).joined(separator: ", ")
                try connection.execute(
                    "UPDATE devices SET broker_credential = given.column2 FROM (VALUES \(values)) AS given "
                        + "WHERE devices.id = given.column1",
                    chunk.flatMap { [SQLiteValue.text($0.key.rawValue), .text($0.value)] })
            }
        }
    }

    func brokerCredentials() async throws -> [DeviceID: String] {
        try await database.read {
            var credentials: [DeviceID: String] = [:]
            for row in try $0.query(
                "SELECT id, broker_credential FROM devices WHERE broker_credential IS NOT NULL")
            {
                let id = try row.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }
                credentials[id] = try row.string("broker_credential")
            }
            return credentials
        }
    }

    private static func decode(_ row: SQLiteRow) throws -> Device {
        Device(
            id: try row.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) },
            name: try row.string("name"),
            tags: try row.json([String].self, "tags"),
            createdAt: try row.date("created_at")
        )
    }
}
