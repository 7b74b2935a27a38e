import Foundation
import HookcastProtocol

struct InMemoryCommandRepository: CommandRepository {
    let database: InMemoryDatabase

    func insert(_ command: Command) async throws {
        try database.access { state in
            guard !state.commands.contains(where: { $0.id == command.id }) else {
                throw StoreError.conflict("command '\(command.id.lowercasedString)' already exists")
            }
            state.commands.append(command)
        }
    }

    func insert(_ commands: [Command]) async throws {
        try database.access { state in
            let existing = Set(state.commands.map(\.id))
            var seen = Set<UUID>()
            for command in commands where existing.contains(command.id) || !seen.insert(command.id).inserted {
                throw StoreError.conflict("command '\(command.id.lowercasedString)' already exists")
            }
            state.commands.append(contentsOf: commands)
        }
    }

    func insert(_ commands: [Command], idempotency: IdempotencyRecord) async throws -> IdempotentInsert {
        try database.access { state in try Self.insert(commands, idempotency: idempotency, into: &state) }
    }

    func insert(_ commands: [Command], idempotency: IdempotencyRecord?, report: CallbackReport) async throws
        -> IdempotentInsert
    {
        try database.access { state in
            guard state.callbackReports[report.id] == nil else {
                throw StoreError.conflict("callback report '\(report.id.lowercasedString)' already exists")
            }
            let outcome: IdempotentInsert
            if let idempotency {
                outcome = try Self.insert(commands, idempotency: idempotency, into: &state)
            } else {
                let existing = Set(state.commands.map(\.id))
                var seen = Set<UUID>()
                for command in commands where existing.contains(command.id) || !seen.insert(command.id).inserted {
                    throw StoreError.conflict("command '\(command.id.lowercasedString)' already exists")
                }
                state.commands.append(contentsOf: commands)
                outcome = .inserted
            }
            if case .inserted = outcome { state.callbackReports[report.id] = report }
            return outcome
        }
    }

    private static func insert(
        _ commands: [Command], idempotency: IdempotencyRecord, into state: inout InMemoryState
    ) throws -> IdempotentInsert {
        let cutoff = idempotency.createdAt.addingTimeInterval(-IdempotencyRecord.retention)
        state.idempotency = state.idempotency.filter { $0.value.createdAt >= cutoff }
        let slot = "\(idempotency.apiKeyID.uuidString)|\(idempotency.key)"
        if let existing = state.idempotency[slot] { return .existing(existing) }
        let new = Set(commands.map(\.id))
        guard new.count == commands.count, !state.commands.contains(where: { new.contains($0.id) }) else {
            throw StoreError.conflict("a command of the request already exists")
        }
        state.commands.append(contentsOf: commands)
        state.idempotency[slot] = idempotency
        return .inserted
    }

    func find(id: UUID) async throws -> Command? {
        try database.access { state in state.commands.first { $0.id == id } }
    }

    func find(triggerID: UUID) async throws -> [Command] {
        try database.access { state in
            state.commands.filter { $0.step?.triggerID == triggerID }.sorted {
                ($0.step?.index ?? 0) < ($1.step?.index ?? 0)
            }
        }
    }

    func page(offset: Int, limit: Int) async throws -> [Command] {
        try database.access { state in
            // Stable sort on the reversed log: newest issuedAt first, later insertions first among equals.
            let newestFirst = state.commands.reversed().enumerated()
                .sorted { ($1.element.issuedAt, $0.offset) < ($0.element.issuedAt, $1.offset) }
                .map(\.element)
            return Array(newestFirst.dropFirst(max(offset, 0)).prefix(max(limit, 0)))
        }
    }

    func count() async throws -> Int {
        try database.access { $0.commands.count }
    }

    func markPublished(id: UUID, at date: Date) async throws {
        try database.access { state in
            let index = try Self.index(of: id, in: state)
            state.commands[index].publishedAt = date.roundedToMilliseconds
            state.commands[index].publishError = nil
        }
    }

    func markPublishFailed(id: UUID, error: String) async throws {
        try database.access { state in
            let index = try Self.index(of: id, in: state)
            state.commands[index].publishError = error
        }
    }

    func unsettled(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [Command] {
        try database.access { state in
            Array(
                state.commands.enumerated()
                    .filter {
                        $0.element.publishedAt != nil && $0.element.expiresAt > date
                            && $0.element.issuedAt <= (issuedBefore ?? .distantFuture)
                            && !state.settledCommands.contains($0.element.id)
                    }
                    .sorted { ($0.element.issuedAt, $0.offset) < ($1.element.issuedAt, $1.offset) }
                    .map(\.element)
                    .prefix(max(limit, 0)))
        }
    }

    func unsettledSummaries(at date: Date, issuedBefore: Date?, limit: Int) async throws -> [UnsettledCommand] {
        try await unsettled(at: date, issuedBefore: issuedBefore, limit: limit).map(UnsettledCommand.init)
    }

    func unsettledSummaries(at date: Date, awaitingAnswerFrom devices: Set<DeviceID>, limit: Int) async throws
        -> [UnsettledCommand]
    {
        let answered = try database.access { $0.acknowledgements }
        return try await unsettled(at: date, issuedBefore: nil, limit: .max)
            .filter { command in
                command.expectedDevices.contains { devices.contains($0) && answered[command.id]?[$0] == nil }
            }
            .prefix(max(limit, 0)).map(UnsettledCommand.init)
    }

    func unsettled(ids: [UUID]) async throws -> [Command] {
        let wanted = Set(ids)
        return try database.access { state in
            state.commands.filter { wanted.contains($0.id) && !state.settledCommands.contains($0.id) }
        }
    }

    func cancel(id: UUID, at date: Date) async throws -> Command? {
        try database.access { state in
            guard let index = state.commands.firstIndex(where: { $0.id == id }) else { return nil }
            if state.commands[index].cancelledAt == nil {
                state.commands[index].cancelledAt = date.roundedToMilliseconds
                state.settledCommands.insert(id)
                if state.commands[index].publishedAt == nil { state.commands[index].publishError = "cancelled" }
            }
            return state.commands[index]
        }
    }

    func markSettled(_ ids: [UUID]) async throws {
        try database.access { state in state.settledCommands.formUnion(ids) }
    }

    func markPublished(_ publications: [(id: UUID, at: Date)]) async throws {
        try database.access { state in
            let times = Dictionary(publications.map { ($0.id, $0.at) }, uniquingKeysWith: { $1 })
            for index in state.commands.indices {
                guard let date = times[state.commands[index].id] else { continue }
                state.commands[index].publishedAt = date.roundedToMilliseconds
                state.commands[index].publishError = nil
            }
        }
    }

    func unpublishedCount() async throws -> Int {
        try database.access { state in
            state.commands.count { $0.publishedAt == nil && $0.publishError == nil }
        }
    }

    func unpublished(limit: Int, issuedBefore: Date?) async throws -> [Command] {
        let cutoff = issuedBefore ?? .distantFuture
        return try database.access { state in
            let pending = state.commands.enumerated()
                .filter {
                    $0.element.publishedAt == nil && $0.element.publishError == nil && $0.element.issuedAt <= cutoff
                }
                .sorted { ($0.element.issuedAt, $0.offset) < ($1.element.issuedAt, $1.offset) }
                .map(\.element)
            return Array(pending.prefix(max(limit, 0)))
        }
    }

    private static func index(of id: UUID, in state: InMemoryState) throws -> Int {
        guard let index = state.commands.firstIndex(where: { $0.id == id }) else {
            throw StoreError.notFound("command '\(id.lowercasedString)' does not exist")
        }
        return index
    }
}
