import Foundation
import HookcastProtocol

struct SQLiteDeviceRepository: DeviceRepository {
    let database: SQLiteDatabase

    func insert(_ devices: [Device], brokerCredentials: [DeviceID: String]) async throws {
        guard !devices.isEmpty else { return }
        try await database.write { connection in
            // Checked first, so the error names the device and nothing is inserted.
            if let taken = try Self.existing(devices.map(\.id), on: connection).first {
                throw StoreError.conflict("device '\(taken)' already exists")
            }
            for device in devices {
                try connection.execute(
                    "INSERT INTO devices (id, name, tags, created_at, broker_credential) VALUES (?, ?, ?, ?, ?)",
                    [
                        .text(device.id.rawValue), .text(device.name), try .json(device.tags), .date(device.createdAt),
                        brokerCredentials[device.id].map(SQLiteValue.text) ?? .null,
                    ])
            }
        }
    }

    func update(_ devices: [Device]) async throws {
        guard !devices.isEmpty else { return }
        try await database.write { connection in
            let existing = Set(try Self.existing(devices.map(\.id), on: connection))
            if let missing = devices.first(where: { !existing.contains($0.id) }) {
                throw StoreError.notFound("device '\(missing.id)' does not exist")
            }
            for device in devices {
                try connection.execute(
                    "UPDATE devices SET name = ?, tags = ? WHERE id = ?",
                    [.text(device.name), try .json(device.tags), .text(device.id.rawValue)]
                )
            }
        }
    }

    func find(ids: [DeviceID]) async throws -> [DeviceID: Device] {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { connection in
            var found: [DeviceID: Device] = [:]
            for row in try connection.query(
                "SELECT id, name, tags, created_at FROM devices WHERE id IN (SELECT value FROM json_each(?))",
                [try .json(ids)]
            ) {
                let device = try Self.decode(row)
                found[device.id] = device
            }
            return found
        }
    }

    /// Those of `ids` that are registered, sorted.
    private static func existing(_ ids: [DeviceID], on connection: SQLiteConnection) throws -> [DeviceID] {
        try connection.query(
            "SELECT id FROM devices WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", [try .json(ids)]
        ).map { row in try row.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) } }
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

    func delete(ids: [DeviceID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await database.write { connection in
            try ids.statementChunks.reduce(0) { deleted, chunk in
                try deleted
                    + connection.query(
                        "DELETE FROM devices WHERE id IN (\(placeholderList(chunk.count))) RETURNING id",
                        chunk.map { SQLiteValue.text($0.rawValue) }
                    ).count
            }
        }
    }

    func allIDs() async throws -> [DeviceID] {
        try await database.write {
            try $0.query("SELECT id FROM devices ORDER BY id").map { row in
                try row.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }
            }
        }
    }

    /// A scan of every device's tags: a tag target is rare next to the webhooks to devices and groups, and
    /// `CachingStore` keeps the answer until the next device write.
    func ids(selectedBy selection: TagSelection) async throws -> [DeviceID] {
        let matching =
            "(SELECT count(DISTINCT tag.value) FROM json_each(devices.tags) AS tag WHERE tag.value IN "
            + "(SELECT value FROM json_each(?)))"
        var parameters: [SQLiteValue] = [try .json(selection.tags)]
        var condition = "\(matching) > 0"
        if selection.match == .all {
            condition = "\(matching) = ?"
            parameters.append(.integer(Int64(selection.tags.count)))
        }
        let sql = "SELECT id FROM devices WHERE \(condition) ORDER BY id"
        return try await database.write { [parameters] in
            try $0.query(sql, parameters).map { row in
                try row.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }
            }
        }
    }

    func tagsByDevice() async throws -> [DeviceID: [String]] {
        try await database.write {
            var tags: [DeviceID: [String]] = [:]
            for row in try $0.query("SELECT id, tags FROM devices WHERE tags <> '[]'") {
                tags[try row.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }] =
                    try row.json([String].self, "tags")
            }
            return tags
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
