import Foundation
import HookcastCore
import HookcastProtocol
import PostgresNIO

struct PostgresDeliveryRepository: DeliveryRepository {
    let pool: PostgresPool
    let expectedDeviceLists = ExpectedDeviceListCache()
    private var logger: Logger { pool.logger }

    private static let columns = "command_id, device_id, state, detail, executed_at, received_at"

    /// One read of the batch's commands, then a multi-row upsert per table. PostgreSQL refuses an upsert that
    /// touches one row twice, so the batch is first reduced to what the row-by-row order leaves: the later answer
    /// of a device for a command, and each device's newest answer.
    func record(_ acknowledgements: [AcknowledgementRecord]) async throws -> AcknowledgementsNotStored {
        guard !acknowledgements.isEmpty else { return AcknowledgementsNotStored() }
        return try await pool.write { connection in
            let commands = try await expectedDevices(of: Set(acknowledgements.map(\.commandID)), connection)
            let recorded = acknowledgements.filter { commands[$0.commandID]?.contains($0.deviceID.rawValue) == true }
            let notExpected = acknowledgements.filter { record in
                commands[record.commandID].map { !$0.contains(record.deviceID.rawValue) } ?? false
            }
            var perDelivery: [AcknowledgementPair: AcknowledgementRecord] = [:]
            var perDevice: [DeviceID: AcknowledgementRecord] = [:]
            for record in recorded {
                perDelivery[AcknowledgementPair(record)] = record
                if let kept = perDevice[record.deviceID], kept.receivedAt > record.receivedAt { continue }
                perDevice[record.deviceID] = record
            }
            try await upsert(
                Array(perDelivery.values), into: "command_deliveries", conflict: "(command_id, device_id)",
                set: "state = excluded.state, detail = excluded.detail, executed_at = excluded.executed_at, "
                    + "received_at = excluded.received_at", connection)
            try await upsert(
                Array(perDevice.values), into: "device_last_acknowledgements", conflict: "(device_id)",
                set: "command_id = excluded.command_id, state = excluded.state, detail = excluded.detail, "
                    + "executed_at = excluded.executed_at, received_at = excluded.received_at "
                    + "WHERE excluded.received_at >= device_last_acknowledgements.received_at", connection)
            let extra = Dictionary(notExpected.map { ($0.commandID, 1) }, uniquingKeysWith: +)
            if !extra.isEmpty {
                let ids = Array(extra.keys)
                let counts = ids.map { extra[$0] ?? 0 }
                try await connection.rows(
                    """
                    UPDATE commands SET extra_acknowledgements = extra_acknowledgements + given.count
                    FROM UNNEST(\(ids)::uuid[], \(counts)::bigint[]) AS given (id, count) WHERE commands.id = given.id
                    """, logger: logger)
            }
            // A command for one device is settled by that device's answer, here and now, as in the SQLite store;
            // commands for many devices are settled by redelivery once it sees every answer.
            let settled = Array(Set(recorded.map(\.commandID)).filter { commands[$0]?.count == 1 })
            if !settled.isEmpty {
                try await connection.rows(
                    "UPDATE commands SET settled = TRUE WHERE id = ANY(\(settled)) AND NOT settled", logger: logger)
            }
            return AcknowledgementsNotStored(
                unknownCommand: acknowledgements.filter { commands[$0.commandID] == nil }, notExpected: notExpected)
        }
    }

    /// The expected devices of each of `ids` that is stored. A broadcast's list is read once and kept
    /// (`ExpectedDeviceListCache`); for a kept one only the command's existence is read.
    private func expectedDevices(
        of ids: Set<UUID>, _ connection: PostgresConnection
    ) async throws -> [UUID: Set<String>] {
        let kept = expectedDeviceLists.lists(for: ids)
        var found: [UUID: Set<String>] = [:]
        if !kept.isEmpty {
            let list = Array(kept.keys)
            for row in try await connection.rows("SELECT id FROM commands WHERE id = ANY(\(list))", logger: logger) {
                let id = try row.values().uuid("id")
                found[id] = kept[id]
            }
        }
        let missing = Array(ids.filter { kept[$0] == nil })
        guard !missing.isEmpty else { return found }
        for row in try await connection.rows(
            "SELECT id, expected_devices FROM commands WHERE id = ANY(\(missing))", logger: logger)
        {
            let values = row.values()
            let id = try values.uuid("id")
            let devices = Set(try values.deviceIDs("expected_devices").map(\.rawValue))
            found[id] = devices
            expectedDeviceLists.keep(devices, for: id)
        }
        return found
    }

    private func upsert(
        _ records: [AcknowledgementRecord], into table: String, conflict: String, set: String,
        _ connection: PostgresConnection
    ) async throws {
        for chunk in records.statementChunks {
            var statement = PostgresStatement()
            var rows: [String] = []
            for record in chunk {
                let values = [
                    statement.bind(record.commandID), statement.bind(record.deviceID.rawValue),
                    statement.bind(record.state.rawValue), statement.bind { $0.append(text: record.detail) },
                    statement.bind { $0.append(date: record.executedAt) },
                    statement.bind { $0.append(date: record.receivedAt) },
                ]
                rows.append("(\(values.joined(separator: ", ")))")
            }
            try await connection.rows(
                statement.query(
                    "INSERT INTO \(table) (\(Self.columns)) VALUES \(rows.joined(separator: ", ")) "
                        + "ON CONFLICT \(conflict) DO UPDATE SET \(set)"),
                logger: logger)
        }
    }

    func acknowledgements(commandID: UUID) async throws -> [AcknowledgementRecord] {
        try await select("WHERE command_id = $1 ORDER BY device_id COLLATE \"C\"") { $0.append(commandID) }
    }

    func acknowledgementCount(commandID: UUID) async throws -> Int {
        try await pool.read { connection in
            try await connection.rows(
                "SELECT COUNT(*) AS count FROM command_deliveries WHERE command_id = \(commandID)", logger: logger
            ).first?.values().int("count") ?? 0
        }
    }

    func acknowledgementCounts(commandID: UUID) async throws -> [DeliveryState: Int] {
        let rows = try await pool.read { connection in
            try await connection.rows(
                "SELECT state, COUNT(*) AS count FROM command_deliveries WHERE command_id = \(commandID) GROUP BY state",
                logger: logger
            ).map { row in
                let values = row.values()
                return (try Self.state(values), try values.int("count"))
            }
        }
        return Dictionary(rows, uniquingKeysWith: +)
    }

    func acknowledgements(commandIDs: [UUID]) async throws -> [UUID: [AcknowledgementRecord]] {
        guard !commandIDs.isEmpty else { return [:] }
        let records = try await select("WHERE command_id = ANY($1)") { $0.append(commandIDs) }
        return Dictionary(grouping: records, by: \.commandID)
    }

    func lastAcknowledgements() async throws -> [DeviceID: AcknowledgementRecord] {
        let records = try await pool.read { connection in
            try await connection.rows(
                PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM device_last_acknowledgements"), logger: logger
            ).map(Self.decode)
        }
        return Dictionary(records.map { ($0.deviceID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Counted per pair first, so one statement adds every attempt of the batch; pairs of commands that are not
    /// stored are skipped, as in the SQLite store.
    func recordRedeliveries(_ redeliveries: [(commandID: UUID, deviceID: DeviceID)], at time: Date) async throws {
        guard !redeliveries.isEmpty else { return }
        var attempts: [AcknowledgementPair: Int] = [:]
        for redelivery in redeliveries {
            attempts[AcknowledgementPair(commandID: redelivery.commandID, deviceID: redelivery.deviceID), default: 0] +=
                1
        }
        let pairs = Array(attempts)
        let commandIDs = pairs.map(\.key.commandID)
        let deviceIDs = pairs.map(\.key.deviceID.rawValue)
        let counts = pairs.map(\.value)
        let sent = time.millisecondsSince1970
        try await pool.write { connection in
            try await connection.rows(
                """
                INSERT INTO command_redeliveries (command_id, device_id, attempts, last_sent_at)
                SELECT given.command_id, given.device_id, given.count, \(sent)
                FROM UNNEST(\(commandIDs)::uuid[], \(deviceIDs)::text[], \(counts)::bigint[])
                    AS given (command_id, device_id, count)
                WHERE EXISTS (SELECT 1 FROM commands WHERE commands.id = given.command_id)
                ON CONFLICT (command_id, device_id) DO UPDATE
                SET attempts = command_redeliveries.attempts + excluded.attempts, last_sent_at = excluded.last_sent_at
                """, logger: logger)
        }
    }

    func redeliveries(commandID: UUID) async throws -> [DeviceID: RedeliveryRecord] {
        let rows = try await pool.read { connection in
            try await connection.rows(
                "SELECT device_id, attempts, last_sent_at FROM command_redeliveries WHERE command_id = \(commandID)",
                logger: logger
            ).map { row in
                let values = row.values()
                return (
                    try values.identifier("device_id") { raw throws(ValidationError) in try DeviceID(raw) },
                    RedeliveryRecord(attempts: try values.int("attempts"), lastSentAt: try values.date("last_sent_at"))
                )
            }
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// One statement per change, in order: a later change of a device merges over an earlier one of the batch.
    func updatePresence(_ presence: [DevicePresence]) async throws {
        guard !presence.isEmpty else { return }
        try await pool.write { connection in
            for change in presence { try await upsert(change, connection) }
        }
    }

    /// The same merge as `DevicePresence.merged(over:)`; PostgreSQL, like SQLite, evaluates every SET expression
    /// against the row as it was.
    private func upsert(_ presence: DevicePresence, _ connection: PostgresConnection) async throws {
        var statement = PostgresStatement()
        let values = try [
            statement.bind(presence.deviceID.rawValue), statement.bind(presence.online),
            statement.bind { $0.append(date: presence.since) },
            statement.bind { $0.append(text: presence.agentVersion) },
            statement.bind { try $0.append(json: presence.state) },
            statement.bind { $0.append(date: presence.state == nil ? nil : presence.stateReportedAt) },
        ]
        try await connection.rows(
            statement.query(
                """
                INSERT INTO device_presence (device_id, online, since, agent_version, state, state_reported_at)
                VALUES (\(values.joined(separator: ", ")))
                ON CONFLICT (device_id) DO UPDATE SET online = excluded.online, since = excluded.since,
                    agent_version = COALESCE(excluded.agent_version, device_presence.agent_version),
                    state = COALESCE(excluded.state, device_presence.state),
                    state_reported_at = CASE
                        WHEN excluded.state IS NULL OR excluded.state IS NOT DISTINCT FROM device_presence.state
                        THEN COALESCE(device_presence.state_reported_at, excluded.state_reported_at)
                        ELSE excluded.state_reported_at END
                """), logger: logger)
    }

    func presence() async throws -> [DeviceID: DevicePresence] {
        let rows = try await pool.read { connection in
            try await connection.rows(
                "SELECT device_id, online, since, agent_version, state, state_reported_at FROM device_presence",
                logger: logger
            ).map { row in
                let values = row.values()
                return DevicePresence(
                    deviceID: try values.identifier("device_id") { raw throws(ValidationError) in try DeviceID(raw) },
                    online: try values.bool("online"),
                    since: try values.date("since"), agentVersion: try values.optionalString("agent_version"),
                    state: try values.optionalJSON(ReportedDeviceState.self, "state"),
                    stateReportedAt: try values.optionalDate("state_reported_at"))
            }
        }
        return Dictionary(rows.map { ($0.deviceID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func onlineDeviceCount() async throws -> Int {
        try await pool.read { connection in
            try await connection.rows("SELECT COUNT(*) AS count FROM device_presence WHERE online", logger: logger)
                .first?.values().int("count") ?? 0
        }
    }

    private func select(
        _ clause: String, bindings: (inout PostgresBindings) -> Void
    ) async throws -> [AcknowledgementRecord] {
        var binds = PostgresBindings()
        bindings(&binds)
        let query = PostgresQuery(unsafeSQL: "SELECT \(Self.columns) FROM command_deliveries \(clause)", binds: binds)
        return try await pool.read { connection in try await connection.rows(query, logger: logger).map(Self.decode) }
    }

    private static func state(_ values: PostgresRandomAccessRow) throws -> DeliveryState {
        guard let state = DeliveryState(rawValue: try values.string("state")) else {
            throw StoreError.unavailable("the database holds an unknown delivery state")
        }
        return state
    }

    private static func decode(_ row: PostgresRow) throws -> AcknowledgementRecord {
        let values = row.values()
        let state = try state(values)
        return AcknowledgementRecord(
            commandID: try values.uuid("command_id"),
            deviceID: try values.identifier("device_id") { raw throws(ValidationError) in try DeviceID(raw) },
            state: state, detail: try values.optionalString("detail"),
            executedAt: try values.optionalDate("executed_at"), receivedAt: try values.date("received_at"))
    }
}

/// A (command, device) pair of an acknowledgement or a redelivery.
struct AcknowledgementPair: Hashable {
    let commandID: UUID
    let deviceID: DeviceID

    init(commandID: UUID, deviceID: DeviceID) { (self.commandID, self.deviceID) = (commandID, deviceID) }
    init(_ record: AcknowledgementRecord) { (commandID, deviceID) = (record.commandID, record.deviceID) }
}
