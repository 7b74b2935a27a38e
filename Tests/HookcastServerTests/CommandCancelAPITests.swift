import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

/// `POST /api/v1/commands/{id}/cancel` in process, with the recording broker: what is stored, what devices are
/// sent, and the answers to what cannot be cancelled.
@Suite("Cancelling a command through the admin API")
struct CommandCancelAPITests {
    @Test("A command nobody answered is cancelled: the report says so, devices are sent cancel_command, once")
    func cancelled() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            for id in ["c1", "c2"] { _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#) }
            _ = try await gateway.admin(
                .post, "actions", #"{"event_id":"drill","function":"refresh_content","target":{"kind":"all"}}"#)
            let key = try await gateway.createKey().secret
            let trigger = try await gateway.postWebhook(key: key, body: #"{"event_id":"drill"}"#)
            let id = try #require(trigger.string("command_id"))

            let cancelled = try await gateway.admin(.post, "commands/\(id)/cancel")
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(cancelled["totals"]?.field("cancelled") == .number(2), "\(cancelled.text)")
            #expect(cancelled["totals"]?.field("pending") == .number(0))
            #expect(cancelled["complete"] == .bool(true))
            let at = try #require(cancelled.string("cancelled_at"))

            let notices = parts.broker.publishes(on: testTopics.allCommands).compactMap {
                try? CommandEnvelope.decode($0.payload)
            }.filter { $0.function == .cancelCommand }
            #expect(notices.count == 1)
            #expect(notices.first?.params.commandID == id)

            let again = try await gateway.admin(.post, "commands/\(id)/cancel")
            #expect(again.string("cancelled_at") == at)
            #expect(
                parts.broker.publishes(on: testTopics.allCommands).count(where: {
                    (try? CommandEnvelope.decode($0.payload))?.function == .cancelCommand
                }) == 1)
            #expect(
                try await gateway.admin(.get, "commands/\(id)")["devices"]?.arrayItems?.map { $0.field("state") }
                    == [.string("cancelled"), .string("cancelled")])
        }
    }

    @Test("Unknown is 404; a command no device owes an answer is 409, and stays as it was")
    func refused() async throws {
        try await InProcessGateway.run { gateway in
            let unknown = try await gateway.admin(.post, "commands/\(UUID().uuidString.lowercased())/cancel")
            #expect(unknown.status == .notFound)
            _ = try await gateway.admin(.post, "groups", #"{"id":"empty"}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"nobody","function":"refresh_content","target":{"kind":"group","id":"empty"}}"#)
            let key = try await gateway.createKey().secret
            let trigger = try await gateway.postWebhook(key: key, body: #"{"event_id":"nobody"}"#)
            let id = try #require(trigger.string("command_id"), "\(trigger.text)")
            let refused = try await gateway.admin(.post, "commands/\(id)/cancel")
            #expect(refused.status == .conflict, "\(refused.text)")
            #expect(refused.errorCode == "nothing_to_cancel")
            #expect(try await gateway.admin(.get, "commands/\(id)")["cancelled_at"] == nil)
        }
    }
}
