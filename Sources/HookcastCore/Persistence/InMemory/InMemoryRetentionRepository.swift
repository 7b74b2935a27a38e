import Foundation
import HookcastProtocol

struct InMemoryRetentionRepository: RetentionRepository {
    let database: InMemoryDatabase

    func finishedCommands(issuedBefore: Date, expiredBefore: Date, limit: Int) async throws -> [UUID] {
        try database.access { state in
            // `commands` is in insertion order, which is issue order here.
            let holds = state.emergencyHolds
            return Array(
                state.commands.lazy.filter {
                    $0.issuedAt < issuedBefore && $0.expiresAt < expiredBefore && holds[$0.id] == nil
                }
                .prefix(max(limit, 0)).map(\.id))
        }
    }

    func deleteDeliveryRows(of commandIDs: [UUID], limit: Int) async throws -> Int {
        try database.access { state in
            var deleted = 0
            for id in commandIDs {
                deleted += Self.take(&state.acknowledgements[id], upTo: limit - deleted)
                deleted += Self.take(&state.redeliveries[id], upTo: limit - deleted)
            }
            return deleted
        }
    }

    func deleteCommands(_ ids: [UUID]) async throws -> Int {
        try database.access { state in
            let doomed = Set(ids)
            let before = state.commands.count
            state.commands.removeAll { doomed.contains($0.id) }
            for id in doomed {
                state.acknowledgements[id] = nil
                state.redeliveries[id] = nil
                state.settledCommands.remove(id)
            }
            state.idempotency = state.idempotency.filter { !doomed.contains($0.value.commandID) }
            return before - state.commands.count
        }
    }

    func deleteAuditEntries(before: Date, limit: Int) async throws -> Int {
        try database.access { state in
            let doomed = state.audit.values.filter { $0.at < before }.map(\.id).prefix(max(limit, 0))
            for id in doomed { state.audit[id] = nil }
            return doomed.count
        }
    }

    func deleteFinishedCallbackReports(createdBefore before: Date, limit: Int) async throws -> Int {
        try database.access { state in
            let doomed = state.callbackReports.values.filter {
                ($0.state == .delivered || $0.state == .failed) && $0.createdAt < before
            }.map(\.id).prefix(max(limit, 0))
            for id in doomed { state.callbackReports[id] = nil }
            return doomed.count
        }
    }

    func deleteCAPAlerts(receivedBefore before: Date, limit: Int) async throws -> Int {
        try database.access { state in
            let doomed = state.capAlerts.values.filter { $0.receivedAt < before }.map(\.id).prefix(max(limit, 0))
            for id in doomed { state.capAlerts[id] = nil }
            return doomed.count
        }
    }

    /// Removes up to `limit` entries of one command's rows; the command's entry goes once it is empty.
    private static func take<Row>(_ rows: inout [DeviceID: Row]?, upTo limit: Int) -> Int {
        guard limit > 0, var remaining = rows else { return 0 }
        let doomed = remaining.keys.prefix(limit)
        for key in Array(doomed) { remaining[key] = nil }
        rows = remaining.isEmpty ? nil : remaining
        return doomed.count
    }
}
