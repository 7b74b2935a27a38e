import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresDeviceRepository: DeviceRepository {
    let pool: PostgresPool
    private var logger: Logger { pool.logger }

    private static let columns = "id, name, tags, created_at"

    /// One multi-row statement per 1,000 devices. A device registered by someone else between the check and the
    /// insert still fails the insert (the primary key): naming the device if there is one, else the import.
    func insert(_ devices: [Device], brokerCredentials: [DeviceID: String]) async throws {
        guard !devices.isEmpty else { return }
        let conflictMessage =
            devices.count == 1 ? "device '\(devices[0].id)' already exists" : "a device of the import already exists"
        try await pool.write(conflictMessage: conflictMessage) { connection in
            // Checked first, so the error names the device and nothing is inserted.
            if devices.count > 1, let taken = try await existing(devices.map(\.id), connection).first {
                throw StoreError.conflict("device '\(taken)' already exists")
            }
            for chunk in devices.statementChunks {
                var statement = PostgresStatement()
                var rows: [String] = []
                for device in chunk {
                    let id = statement.bind(device.id.rawValue)
                    let name = statement.bind(device.name)
                    let tags = try statement.bind { try $0.append(json: device.tags) }
                    let created = statement.bind { $0.append(date: device.createdAt) }
                    let credential = statement.bind { $0.append(brokerCredentials[device.id]) }
                    rows.append("(\(id), \(name), \(tags), \(created), \(credential))")
                }
                try await connection.rows(
                    statement.query(
                        "INSERT INTO devices (\(Self.columns), broker_credential) VALUES "
                            + rows.joined(separator: ", ")),
                    logger: logger)
            }
        }
    }

    func update(_ device: Device) async throws {
        try await update([device])
    }

    func update(_ devices: [Device]) async throws {
        guard !devices.isEmpty else { return }
        try await pool.write { connection in
            let existing = Set(try await existing(devices.map(\.id), connection))
            if let missing = devices.first(where: { !existing.contains($0.id) }) {
                throw StoreError.notFound("device '\(missing.id)' does not exist")
            }
            for chunk in devices.statementChunks {
                var statement = PostgresStatement()
                var rows: [String] = []
                for device in chunk {
                    let id = statement.bind(device.id.rawValue)
                    let name = statement.bind(device.name)
                    let tags = try statement.bind { try $0.append(json: device.tags) }
                    rows.append("(\(id), \(name), \(tags))")
                }
                // Of two rows for one device, UPDATE … FROM takes one: the caller's list has each device once.
                try await connection.rows(
                    statement.query(
                        "UPDATE devices SET name = given.name, tags = given.tags FROM (VALUES "
                            + rows.joined(separator: ", ") + ") AS given (id, name, tags) WHERE devices.id = given.id"),
                    logger: logger)
            }
        }
    }

    func find(ids: [DeviceID]) async throws -> [DeviceID: Device] {
        guard !ids.isEmpty else { return [:] }
        let raw = ids.map(\.rawValue)
        return try await pool.read { connection in
            var found: [DeviceID: Device] = [:]
            for row in try await connection.rows(
                "SELECT id, name, tags, created_at FROM devices WHERE id = ANY(\(raw))", logger: logger)
            {
                let device = try Self.decode(row)
                found[device.id] = device
            }
            return found
        }
    }

    /// Those of `ids` that are registered, sorted.
    private func existing(_ ids: [DeviceID], _ connection: PostgresConnection) async throws -> [DeviceID] {
        let raw = ids.map(\.rawValue)
        return try await connection.rows(
            "SELECT id FROM devices WHERE id = ANY(\(raw)) ORDER BY id COLLATE \"C\"", logger: logger
        ).map { row in try row.values().identifier("id") { raw throws(ValidationError) in try DeviceID(raw) } }
    }

    func all() async throws -> [Device] {
        try await pool.read { connection in
            try await connection.rows(
                "SELECT id, name, tags, created_at FROM devices ORDER BY id COLLATE \"C\"", logger: logger
            ).map(Self.decode)
        }
    }

    func find(id: DeviceID) async throws -> Device? {
        try await pool.read { connection in
            try await connection.rows(
                "SELECT id, name, tags, created_at FROM devices WHERE id = \(id.rawValue)", logger: logger
            ).first.map(Self.decode)
        }
    }

    /// Group memberships go with the device through the foreign key's ON DELETE CASCADE.
    func delete(id: DeviceID) async throws -> Bool {
        try await pool.write { connection in
            try await !connection.rows("DELETE FROM devices WHERE id = \(id.rawValue) RETURNING id", logger: logger)
                .isEmpty
        }
    }

    func delete(ids: [DeviceID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let raw = ids.map(\.rawValue)
        return try await pool.write { connection in
            try await connection.rows("DELETE FROM devices WHERE id = ANY(\(raw)) RETURNING id", logger: logger).count
        }
    }

    /// A scan of every device's tags (`CachingStore` keeps the answer until the next device write).
    func ids(selectedBy selection: TagSelection) async throws -> [DeviceID] {
        try await pool.read { connection in
            let query: PostgresQuery =
                switch selection.match {
                case .any: "SELECT id FROM devices WHERE tags::jsonb ?| \(selection.tags) ORDER BY id COLLATE \"C\""
                case .all: "SELECT id FROM devices WHERE tags::jsonb ?& \(selection.tags) ORDER BY id COLLATE \"C\""
                }
            return try await connection.rows(query, logger: logger).map { row in
                try row.values().identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }
            }
        }
    }

    func tagsByDevice() async throws -> [DeviceID: [String]] {
        try await pool.read { connection in
            var tags: [DeviceID: [String]] = [:]
            for row in try await connection.rows("SELECT id, tags FROM devices WHERE tags <> '[]'", logger: logger) {
                let values = row.values()
                tags[try values.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }] =
                    try values.json([String].self, "tags")
            }
            return tags
        }
    }

    func allIDs() async throws -> [DeviceID] {
        try await pool.read { connection in
            try await connection.rows("SELECT id FROM devices ORDER BY id COLLATE \"C\"", logger: logger).map { row in
                try row.values().identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }
            }
        }
    }

    func setBrokerCredentials(_ credentials: [DeviceID: String]) async throws {
        guard !credentials.isEmpty else { return }
        let ids = credentials.keys.map(\.rawValue)
        let hashes = credentials.keys.map { credentials[$0] ?? "" }
        try await pool.write { connection in
            try await connection.rows(
                """
                UPDATE devices SET broker_credential = given.credential
                FROM UNNEST(\(ids)::text[], \(hashes)::text[]) AS given (id, credential) WHERE devices.id = given.id
                """, logger: logger)
        }
    }

    func brokerCredentials() async throws -> [DeviceID: String] {
        try await pool.read { connection in
            var credentials: [DeviceID: String] = [:]
            for row in try await connection.rows(
                "SELECT id, broker_credential FROM devices WHERE broker_credential IS NOT NULL", logger: logger)
            {
                let values = row.values()
                let id = try values.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) }
                credentials[id] = try values.string("broker_credential")
            }
            return credentials
        }
    }

    private static func decode(_ row: PostgresRow) throws -> Device {
        let values = row.values()
        return Device(
            id: try values.identifier("id") { raw throws(ValidationError) in try DeviceID(raw) },
            name: try values.string("name"),
            tags: try values.json([String].self, "tags"),
            createdAt: try values.date("created_at")
        )
    }
}
