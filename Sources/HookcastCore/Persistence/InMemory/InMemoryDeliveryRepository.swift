import Foundation
import HookcastProtocol

struct InMemoryDeliveryRepository: DeliveryRepository {
    let database: InMemoryDatabase

    func record(_ acknowledgements: [AcknowledgementRecord]) async throws -> AcknowledgementsNotStored {
        try database.access { state in
            var notStored = AcknowledgementsNotStored()
            let indexByID = Dictionary(
                state.commands.indices.map { (state.commands[$0].id, $0) }, uniquingKeysWith: { first, _ in first })
            for record in acknowledgements {
                guard let index = indexByID[record.commandID] else {
                    notStored.unknownCommand.append(record)
                    continue
                }
                let command = state.commands[index]
                guard command.expectedDevices.contains(record.deviceID) else {
                    state.commands[index].extraAcknowledgements += 1
                    notStored.notExpected.append(record)
                    continue
                }
                state.acknowledgements[record.commandID, default: [:]][record.deviceID] = record
                if command.expectedDevices == [record.deviceID] {
                    state.settledCommands.insert(record.commandID)
                }
                if (state.lastAcknowledgements[record.deviceID]?.receivedAt ?? .distantPast) <= record.receivedAt {
                    state.lastAcknowledgements[record.deviceID] = record
                }
            }
            return notStored
        }
    }

    func acknowledgements(commandID: UUID) async throws -> [AcknowledgementRecord] {
        try database.access { state in
            (state.acknowledgements[commandID] ?? [:]).values.sorted { $0.deviceID < $1.deviceID }
        }
    }

    func acknowledgementCount(commandID: UUID) async throws -> Int {
        try database.access { state in state.acknowledgements[commandID]?.count ?? 0 }
    }

    func acknowledgementCounts(commandID: UUID) async throws -> [DeliveryState: Int] {
        try database.access { state in
            Dictionary(
                (state.acknowledgements[commandID]?.values).map { $0.map { ($0.state, 1) } } ?? [], uniquingKeysWith: +)
        }
    }

    func acknowledgements(commandIDs: [UUID]) async throws -> [UUID: [AcknowledgementRecord]] {
        try database.access { state in
            var found: [UUID: [AcknowledgementRecord]] = [:]
            for id in commandIDs {
                if let records = state.acknowledgements[id], !records.isEmpty { found[id] = Array(records.values) }
            }
            return found
        }
    }

    func lastAcknowledgements() async throws -> [DeviceID: AcknowledgementRecord] {
        try database.access { $0.lastAcknowledgements }
    }

    func recordRedeliveries(_ redeliveries: [(commandID: UUID, deviceID: DeviceID)], at time: Date) async throws {
        try database.access { state in
            let known = Set(state.commands.map(\.id))
            for redelivery in redeliveries where known.contains(redelivery.commandID) {
                let attempts = (state.redeliveries[redelivery.commandID]?[redelivery.deviceID]?.attempts ?? 0) + 1
                state.redeliveries[redelivery.commandID, default: [:]][redelivery.deviceID] = RedeliveryRecord(
                    attempts: attempts, lastSentAt: time)
            }
        }
    }

    func redeliveries(commandID: UUID) async throws -> [DeviceID: RedeliveryRecord] {
        try database.access { $0.redeliveries[commandID] ?? [:] }
    }

    func updatePresence(_ presence: [DevicePresence]) async throws {
        try database.access { state in
            for update in presence {
                state.presence[update.deviceID] = update.merged(over: state.presence[update.deviceID])
            }
        }
    }

    func onlineDeviceCount() async throws -> Int {
        try database.access { state in state.presence.values.filter(\.online).count }
    }

    func presence() async throws -> [DeviceID: DevicePresence] {
        try database.access { $0.presence }
    }
}
