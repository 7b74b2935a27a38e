import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

@Suite("Idempotent command inserts")
struct IdempotentInsertTests {
    @Test(
        "A key is remembered within the retention and forgotten after it, in every store", arguments: StoreKind.allCases
    )
    func retention(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let apiKeyID = UUID()
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            func command() throws -> Command {
                Command(
                    eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(),
                    sensorData: nil, target: .all, expectedDevices: [], issuedAt: start,
                    expiresAt: start.addingTimeInterval(60), apiKeyID: apiKeyID, source: .webhook)
            }
            let first = try command()
            let record = IdempotencyRecord(
                apiKeyID: apiKeyID, key: "k", fingerprint: "f", commandID: first.id, createdAt: start)
            #expect(try await store.commands.insert(first, idempotency: record) == .inserted)
            let retry = try command()
            var later = record
            later.commandID = retry.id
            later.createdAt = start.addingTimeInterval(3600)
            #expect(try await store.commands.insert(retry, idempotency: later) == .existing(record))
            #expect(try await store.commands.count() == 1)
            later.createdAt = start.addingTimeInterval(IdempotencyRecord.retention + 1)
            #expect(try await store.commands.insert(retry, idempotency: later) == .inserted)
            #expect(try await store.commands.count() == 2)
            try await store.close()
        }
    }
}

@Suite("Unsettled commands")
struct ActiveCommandTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Issued `issued` seconds from `now`, living `ttl` seconds.
    static func command(
        issued: TimeInterval, ttl: TimeInterval, expecting expected: [DeviceID] = [], published: Bool = false
    ) throws -> Command {
        Command(
            eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(),
            sensorData: nil, target: .all, expectedDevices: expected, issuedAt: now.addingTimeInterval(issued),
            expiresAt: now.addingTimeInterval(issued + ttl), apiKeyID: nil, source: .webhook,
            publishedAt: published ? now : nil)
    }

    @Test(
        "Only published, unexpired, unsettled commands are returned, oldest first, in every store",
        arguments: StoreKind.allCases)
    func active(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let now = Self.now
            let older = try Self.command(issued: -20, ttl: 60)
            let newer = try Self.command(issued: -10, ttl: 60)
            let expired = try Self.command(issued: -30, ttl: 10)
            let unpublished = try Self.command(issued: -5, ttl: 60)
            for item in [older, newer, expired, unpublished] { try await store.commands.insert(item) }
            for item in [older, newer, expired] { try await store.commands.markPublished(id: item.id, at: now) }
            #expect(
                try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 10).map(\.id) == [
                    older.id, newer.id,
                ])
            #expect(try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 1).map(\.id) == [older.id])
            #expect(
                try await store.commands.unsettled(at: now, issuedBefore: now.addingTimeInterval(-15), limit: 10)
                    .map(\.id) == [older.id])
            try await store.commands.markSettled([older.id])
            #expect(try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 10).map(\.id) == [newer.id])
            try await store.close()
        }
    }

    @Test(
        "A device command is settled by its device's answer; a broadcast is not settled by one answer, in every store",
        arguments: StoreKind.allCases)
    func settledByAnswer(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let one = try DeviceID("one")
            let two = try DeviceID("two")
            func command(_ target: ActionTarget, _ devices: [DeviceID]) throws -> Command {
                Command(
                    eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(),
                    sensorData: nil, target: target, expectedDevices: devices, issuedAt: now.addingTimeInterval(-5),
                    expiresAt: now.addingTimeInterval(60), apiKeyID: nil, source: .webhook, publishedAt: now)
            }
            let single = try command(.device(one), [one])
            let broadcast = try command(.all, [one, two])
            let stranger = try command(.device(two), [two])
            try await store.commands.insert([single, broadcast, stranger])
            func answer(_ command: Command, from device: DeviceID) -> AcknowledgementRecord {
                AcknowledgementRecord(
                    commandID: command.id, deviceID: device, state: .ok, detail: nil, executedAt: now, receivedAt: now)
            }
            // `one` answering `stranger` is an extra answer, not the one it waits for.
            _ = try await store.deliveries.record([
                answer(single, from: one), answer(broadcast, from: one), answer(stranger, from: one),
            ])
            let left = try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 10).map(\.id)
            #expect(Set(left) == [broadcast.id, stranger.id])
            try await store.close()
        }
    }

    @Test(
        "Summaries select what the whole read selects; the whole read by id skips settled and unknown ids, in every store",
        arguments: StoreKind.allCases)
    func summariesAndWholeByID(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let now = Self.now
            let devices = try (0..<2_000).map { try DeviceID("screen-\($0)") }
            func command(issued: TimeInterval, expecting expected: [DeviceID]) throws -> Command {
                try Self.command(issued: issued, ttl: 60 - issued, expecting: expected, published: true)
            }
            // A broadcast's list long enough to be stored apart from its row (overflow pages, TOAST).
            let broadcast = try command(issued: -20, expecting: devices)
            let nobody = try command(issued: -15, expecting: [])
            let single = try command(issued: -10, expecting: [try DeviceID("lobby-10")])
            let settled = try command(issued: -5, expecting: [devices[1]])
            try await store.commands.insert([broadcast, nobody, single, settled])
            try await store.commands.markSettled([settled.id])
            let whole = try await store.commands.unsettled(at: now, issuedBefore: nil, limit: 10)
            #expect(
                try await store.commands.unsettledSummaries(at: now, issuedBefore: nil, limit: 10)
                    == whole.map(UnsettledCommand.init))
            #expect(
                try await store.commands.unsettledSummaries(
                    at: now, issuedBefore: now.addingTimeInterval(-12), limit: 1)
                    == [UnsettledCommand(id: broadcast.id, issuedAt: broadcast.issuedAt, expectsAnswers: true)])
            #expect(
                try await store.commands.unsettledSummaries(at: now, issuedBefore: nil, limit: 10).map(\.expectsAnswers)
                    == [true, false, true])
            // Devices back online: a few are searched for in the lists' text, many looked up in the lists read.
            func concerning(_ ids: [String]) async throws -> [UUID] {
                let devices = Set(try ids.map { try DeviceID($0) })
                return try await store.commands.unsettledSummaries(at: now, awaitingAnswerFrom: devices, limit: 10).map(
                    \.id)
            }
            #expect(try await concerning(["screen-0", "lobby-10"]) == [broadcast.id, single.id])
            #expect(try await concerning(["screen-1"]) == [broadcast.id], "a settled command is owed nothing")
            #expect(try await concerning(["screen-1999", "elsewhere"]) == [broadcast.id])
            #expect(try await concerning(["lobby-1", "obby-10", "screen-2000"]) == [], "an id is matched whole")
            _ = try await store.deliveries.record([
                AcknowledgementRecord(
                    commandID: broadcast.id, deviceID: devices[5], state: .ok, detail: nil, executedAt: now,
                    receivedAt: now)
            ])
            #expect(try await concerning(["screen-5"]) == [], "screen-5 answered the broadcast")
            #expect(try await concerning(["screen-5", "screen-6"]) == [broadcast.id])
            let many = (0..<40).map { "away-\($0)" }
            #expect(try await concerning(many) == [])
            #expect(try await concerning(many + ["lobby-10"]) == [single.id])
            #expect(try await concerning(many + ["lobby-1"]) == [])
            #expect(try await store.commands.unsettledSummaries(at: now, awaitingAnswerFrom: [], limit: 10).isEmpty)
            let byID = try await store.commands.unsettled(ids: [single.id, settled.id, UUID(), broadcast.id])
            #expect(Set(byID.map(\.id)) == [single.id, broadcast.id])
            #expect(byID.first { $0.id == broadcast.id }?.expectedDevices == devices)
            #expect(try await store.commands.unsettled(ids: []).isEmpty)
            try await store.close()
        }
    }
}

@Suite("Group commit of commands")
struct BatchInsertTests {
    @Test(
        "A batch is stored whole, or not at all when one of its commands conflicts, in every store",
        arguments: StoreKind.allCases)
    func allOrNothing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func command() throws -> Command {
                Command(
                    eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(),
                    sensorData: nil, target: .all, expectedDevices: [], issuedAt: now,
                    expiresAt: now.addingTimeInterval(60), apiKeyID: nil, source: .webhook)
            }
            let batch = try (0..<3).map { _ in try command() }
            try await store.commands.insert(batch)
            #expect(try await store.commands.count() == 3)
            let fresh = try command()
            await #expect(throws: StoreError.self) { try await store.commands.insert([fresh, batch[0]]) }
            #expect(try await store.commands.count() == 3)
            #expect(try await store.commands.find(id: fresh.id) == nil)
            try await store.close()
        }
    }
}
