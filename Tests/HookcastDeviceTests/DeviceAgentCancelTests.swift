import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastDevice

/// `cancel_command` over a real broker: a command cancelled before it arrives is refused, not run; one already
/// run stays as it was.
@Suite("DeviceAgent honours cancel_command")
struct DeviceAgentCancelTests {
    static func cancel(_ id: UUID, device: DeviceID) throws -> CommandEnvelope {
        try Fixtures.envelope(
            .cancelCommand, params: .init(commandID: id.lowercasedString), target: .device(device))
    }

    @Test("Cancelled before it arrives: answered rejected and not run; cancelled after it ran: left as it was")
    func cancelBeforeAndAfter() async throws {
        try await withTimeout(.seconds(30)) {
            let harness = try await AgentHarness.start()
            let device = harness.deviceID
            let later = try Fixtures.envelope(
                .loadURL, params: .init(url: "https://example.com/cancelled"), target: .device(device))
            let cancel = try Self.cancel(later.id, device: device)
            try await harness.watcher.send(cancel, to: harness.commandTopic)
            let cancelAnswer = try #require(try await harness.watcher.acknowledgements(for: cancel.id, count: 1).first)
            #expect(cancelAnswer.status == .ok)
            #expect(cancelAnswer.detail == "cancelled before it ran")

            try await harness.watcher.send(later, to: harness.commandTopic)
            let refused = try #require(try await harness.watcher.acknowledgements(for: later.id, count: 1).first)
            #expect(refused.status == .rejected)
            #expect(refused.detail == "cancelled before it ran")
            #expect(harness.agent.state.currentURL == nil)

            let ran = try Fixtures.envelope(
                .loadURL, params: .init(url: "https://example.com/ran"), target: .device(device))
            try await harness.watcher.send(ran, to: harness.commandTopic)
            _ = try await harness.watcher.acknowledgements(for: ran.id, count: 1)
            let tooLate = try Self.cancel(ran.id, device: device)
            try await harness.watcher.send(tooLate, to: harness.commandTopic)
            let answer = try #require(try await harness.watcher.acknowledgements(for: tooLate.id, count: 1).first)
            #expect(answer.status == .ok)
            #expect(answer.detail == "already handled: ok")
            #expect(harness.agent.state.currentURL == "https://example.com/ran")
            try await harness.close()
        }
    }

    @Test("A cancel_command without a command id is answered failed")
    func withoutID() async throws {
        try await withTimeout(.seconds(30)) {
            let harness = try await AgentHarness.start()
            let broken = try Fixtures.envelope(.cancelCommand, target: .device(harness.deviceID))
            try await harness.watcher.send(broken, to: harness.commandTopic)
            let answer = try #require(try await harness.watcher.acknowledgements(for: broken.id, count: 1).first)
            #expect(answer.status == .failed)
            try await harness.close()
        }
    }
}
