import Foundation
import HookcastProtocol

struct SQLiteDeliveryRepository: DeliveryRepository {
    let database: SQLiteDatabase
    let expectedDevices = SQLiteExpectedDevices()

    private static let columns = "command_id, device_id, state, detail, executed_at, received_at"
    private static let insertDelivery = """
        INSERT INTO command_deliveries (\(columns)) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (command_id, device_id) DO UPDATE SET state = excluded.state,
            detail = excluded.detail, executed_at = excluded.executed_at, received_at = excluded.received_at
        """
    private static let upsertLastAcknowledgement = """
        INSERT INTO device_last_acknowledgements (\(columns)) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (device_id) DO UPDATE SET command_id = excluded.command_id, state = excluded.state,
            detail = excluded.detail, executed_at = excluded.executed_at, received_at = excluded.received_at
        WHERE excluded.received_at >= device_last_acknowledgements.received_at
        """

    /// The whole batch in one transaction on the store's thread: a broadcast to thousands of devices brings
    /// thousands of acknowledgements at once.
    func record(_ acknowledgements: [AcknowledgementRecord]) async throws -> AcknowledgementsNotStored {
        guard !acknowledgements.isEmpty else { return AcknowledgementsNotStored() }
        return try await database.write(durability: .unsynced) { connection in
            let batch = try expectedDevices.read(for: acknowledgements, connection).sorted(acknowledgements)
            // One cached single-row statement per table, run once per acknowledgement, in order (of two answers
            // of one device in a batch the later one stays). Multi-row statements had to be built and compiled
            // for every batch, since batches come in every size: most of the store's time in a broadcast.
            for record in batch.recorded {
                let values = Self.values(record)
                try connection.execute(Self.insertDelivery, values)
                try connection.execute(Self.upsertLastAcknowledgement, values)
            }
            for (commandID, count) in Dictionary(batch.notExpected.map { ($0.commandID, 1) }, uniquingKeysWith: +) {
                try connection.execute(
                    "UPDATE commands SET extra_acknowledgements = extra_acknowledgements + ? WHERE id = ?",
                    [.integer(count), .uuid(commandID)])
            }
            // A command for one device is settled by that device's answer, here and now (every recorded answer is
            // from an expected device); commands for many devices are settled by redelivery once it sees every
            // answer (counting them on every batch of a broadcast's acknowledgements would cost more than it saves).
            for chunk in Array(batch.settledCommands).statementChunks {
                try connection.execute(
                    "UPDATE commands SET settled = 1 WHERE id IN (\(placeholderList(chunk.count))) AND settled = 0",
                    chunk.map { SQLiteValue.uuid($0) })
            }
            return AcknowledgementsNotStored(unknownCommand: batch.unknownCommand, notExpected: batch.notExpected)
        }
    }

    func acknowledgements(commandID: UUID) async throws -> [AcknowledgementRecord] {
        try await database.read {
            try $0.query(
                "SELECT \(Self.columns) FROM command_deliveries WHERE command_id = ? ORDER BY device_id",
                [.uuid(commandID)]
            ).map(Self.decode)
        }
    }

    func acknowledgementCount(commandID: UUID) async throws -> Int {
        try await database.read {
            try $0.query(
                "SELECT COUNT(*) AS count FROM command_deliveries WHERE command_id = ?", [.uuid(commandID)]
            ).first?.int("count") ?? 0
        }
    }

    func acknowledgementCounts(commandID: UUID) async throws -> [DeliveryState: Int] {
        let rows = try await database.read {
            try $0.query(
                "SELECT state, COUNT(*) AS count FROM command_deliveries WHERE command_id = ? GROUP BY state",
                [.uuid(commandID)]
            ).map { row in (try Self.state(row), try row.int("count")) }
        }
        return Dictionary(rows, uniquingKeysWith: +)
    }

    func acknowledgements(commandIDs: [UUID]) async throws -> [UUID: [AcknowledgementRecord]] {
        guard !commandIDs.isEmpty else { return [:] }
        var found: [UUID: [AcknowledgementRecord]] = [:]
        // Bounded statements: SQLite caps the number of parameters in one.
        for chunk in commandIDs.statementChunks {
            let placeholders = placeholderList(chunk.count)
            let records = try await database.read {
                try $0.query(
                    "SELECT \(Self.columns) FROM command_deliveries WHERE command_id IN (\(placeholders))",
                    chunk.map { SQLiteValue.uuid($0) }
                ).map(Self.decode)
            }
            for record in records { found[record.commandID, default: []].append(record) }
        }
        return found
    }

    func lastAcknowledgements() async throws -> [DeviceID: AcknowledgementRecord] {
        let records = try await database.read {
            try $0.query("SELECT \(Self.columns) FROM device_last_acknowledgements").map(Self.decode)
        }
        return Dictionary(records.map { ($0.deviceID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func recordRedeliveries(_ redeliveries: [(commandID: UUID, deviceID: DeviceID)], at time: Date) async throws {
        guard !redeliveries.isEmpty else { return }
        try await database.write(durability: .unsynced) { connection in
            for redelivery in redeliveries {
                try connection.execute(
                    """
                    INSERT INTO command_redeliveries (command_id, device_id, attempts, last_sent_at)
                    SELECT ?, ?, 1, ? WHERE EXISTS (SELECT 1 FROM commands WHERE id = ?)
                    ON CONFLICT (command_id, device_id) DO UPDATE SET attempts = attempts + 1,
                        last_sent_at = excluded.last_sent_at
                    """,
                    [
                        .uuid(redelivery.commandID), .text(redelivery.deviceID.rawValue), .date(time),
                        .uuid(redelivery.commandID),
                    ])
            }
        }
    }

    func redeliveries(commandID: UUID) async throws -> [DeviceID: RedeliveryRecord] {
        let rows = try await database.read {
            try $0.query(
                "SELECT device_id, attempts, last_sent_at FROM command_redeliveries WHERE command_id = ?",
                [.uuid(commandID)]
            ).map { row in
                (
                    try row.identifier("device_id") { raw throws(ValidationError) in try DeviceID(raw) },
                    RedeliveryRecord(attempts: try row.int("attempts"), lastSentAt: try row.date("last_sent_at"))
                )
            }
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    func updatePresence(_ presence: [DevicePresence]) async throws {
        guard !presence.isEmpty else { return }
        try await database.write(durability: .unsynced) { connection in
            for presence in presence {
                try Self.upsert(presence, connection)
            }
        }
    }

    /// The same merge as `DevicePresence.merged(over:)`. SQLite evaluates every SET expression against the row as
    /// it was, so `state_reported_at` compares the old state, whatever the order of the assignments.
    private static func upsert(_ presence: DevicePresence, _ connection: SQLiteConnection) throws {
        try connection.execute(
            """
            INSERT INTO device_presence (device_id, online, since, agent_version, state, state_reported_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (device_id) DO UPDATE SET online = excluded.online, since = excluded.since,
                agent_version = COALESCE(excluded.agent_version, device_presence.agent_version),
                state = COALESCE(excluded.state, device_presence.state),
                state_reported_at = CASE
                    WHEN excluded.state IS NULL OR excluded.state IS device_presence.state
                    THEN COALESCE(device_presence.state_reported_at, excluded.state_reported_at)
                    ELSE excluded.state_reported_at END
            """,
            [
                .text(presence.deviceID.rawValue), .bool(presence.online), .date(presence.since),
                .text(presence.agentVersion), try .json(presence.state),
                .date(presence.state == nil ? nil : presence.stateReportedAt),
            ])
    }

    func presence() async throws -> [DeviceID: DevicePresence] {
        let rows = try await database.read {
            try $0.query(
                "SELECT device_id, online, since, agent_version, state, state_reported_at FROM device_presence"
            ).map { row in
                DevicePresence(
                    deviceID: try row.identifier("device_id") { raw throws(ValidationError) in try DeviceID(raw) },
                    online: try row.bool("online"),
                    since: try row.date("since"), agentVersion: try row.optionalString("agent_version"),
                    state: try row.optionalJSON(ReportedDeviceState.self, "state"),
                    stateReportedAt: try row.optionalDate("state_reported_at"))
            }
        }
        return Dictionary(rows.map { ($0.deviceID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func onlineDeviceCount() async throws -> Int {
        try await database.read {
            try $0.query("SELECT COUNT(*) AS count FROM device_presence WHERE online = 1").first?.int("count")
                ?? 0
        }
    }

    private static func values(_ record: AcknowledgementRecord) -> [SQLiteValue] {
        [
            .uuid(record.commandID), .text(record.deviceID.rawValue), .text(record.state.rawValue),
            .text(record.detail), .date(record.executedAt), .date(record.receivedAt),
        ]
    }

    private static func state(_ row: SQLiteRow) throws -> DeliveryState {
        guard let state = DeliveryState(rawValue: try row.string("state")) else {
            throw StoreError.unavailable("the database holds an unknown delivery state")
        }
        return state
    }

    private static func decode(_ row: SQLiteRow) throws -> AcknowledgementRecord {
        let state = try state(row)
        return AcknowledgementRecord(
            commandID: try row.uuid("command_id"),
            deviceID: try row.identifier("device_id") { raw throws(ValidationError) in try DeviceID(raw) },
            state: state, detail: try row.optionalString("detail"), executedAt: try row.optionalDate("executed_at"),
            receivedAt: try row.date("received_at"))
    }
}
