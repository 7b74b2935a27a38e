import Foundation
import Testing

@testable import HookcastCore
@testable import HookcastProtocol

@Suite("Command trace context in the store")
struct CommandTraceStoreTests {
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    static func command(trace: TraceContext?, step: TriggerStep? = nil) throws -> Command {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return Command(
            eventID: try EventID("e"), actionName: "a", function: .refreshContent, params: .init(), sensorData: nil,
            target: .all, expectedDevices: [], issuedAt: now, expiresAt: now.addingTimeInterval(60), apiKeyID: nil,
            source: .webhook, step: step, trace: trace)
    }

    @Test(
        "A command's traceparent and tracestate are read back as written, and none stays none, in every store",
        arguments: StoreKind.allCases)
    func roundTrip(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let full = try Self.command(
                trace: try TraceContext(traceparent: Self.traceparent, tracestate: "rojo=00f067aa0ba902b7,congo=t61"))
            let bare = try Self.command(trace: try TraceContext(traceparent: Self.traceparent))
            let none = try Self.command(trace: nil)
            try await store.commands.insert(full)
            try await store.commands.insert([bare, none])
            for written in [full, bare, none] {
                let read = try #require(try await store.commands.find(id: written.id))
                #expect(read.trace == written.trace)
                #expect(read == written)
            }
            #expect(
                try await store.commands.unpublished(limit: 10, issuedBefore: nil).map(\.trace).contains(full.trace))
        }
    }

    @Test("Every step of a call is stored with the same trace context, in every store", arguments: StoreKind.allCases)
    func steps(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let trace = try TraceContext(traceparent: Self.traceparent, tracestate: "a=1")
            let first = try Self.command(trace: trace)
            let step = TriggerStep(triggerID: first.id, index: 0)
            var steps = [first, try Self.command(trace: trace), try Self.command(trace: trace)]
            for index in steps.indices { steps[index].step = TriggerStep(triggerID: step.triggerID, index: index) }
            let record = IdempotencyRecord(
                apiKeyID: UUID(), key: "k", fingerprint: "f", commandID: first.id, createdAt: first.issuedAt)
            #expect(try await store.commands.insert(steps, idempotency: record) == .inserted)
            let read = try await store.commands.find(triggerID: step.triggerID)
            #expect(read.count == 3)
            #expect(read.allSatisfy { $0.trace == trace })
        }
    }
}
