import Foundation
import HTTPTypes
import HookcastProtocol
import HookcastTestSupport
import Testing

/// Actions with several steps, in process: one command per step sharing a trigger id, every step planned before
/// any is stored, the answer per step, the replay of a retried call, and a cancel of the whole call.
@Suite("Actions with several steps")
struct MultiStepActionTests {
    static let action = #"""
        {"event_id":"lobby-alarm","name":"Lobby alarm","steps":[
          {"function":"emergency","params":{"state":"on","message":"Leave the building"},"target":{"kind":"all"}},
          {"function":"load_url","params":{"url":"https://maps.example.com/lobby"},"target":{"kind":"group","id":"lobby"}},
          {"function":"show_toast","params":{"message":"{{message}}","level":"critical"},"target":{"kind":"tag","tags":["wardens"]}}
        ]}
        """#

    static func setUp(_ gateway: GatewayClient) async throws -> String {
        _ = try await gateway.admin(.post, "devices", #"{"id":"m1","tags":["wardens"]}"#)
        _ = try await gateway.admin(.post, "devices", #"{"id":"m2"}"#)
        _ = try await gateway.admin(.post, "groups", #"{"id":"lobby","members":["m2"]}"#)
        let created = try await gateway.admin(.post, "actions", Self.action)
        try #require(created.status == .created, "\(created.text)")
        #expect(created["steps"]?.arrayItems?.count == 3, "\(created.text)")
        #expect(created["function"] == .string("emergency"), "the first step shows as the action's own fields")
        return try await gateway.createKey().secret
    }

    @Test("A call makes one command per step, in order, sharing one trigger id; the answer lists each step")
    func oneCommandPerStep() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            let key = try await Self.setUp(gateway)
            let answer = try await gateway.postWebhook(
                key: key, body: #"{"event_id":"lobby-alarm","message":"Wardens to the lobby"}"#)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer["message"] == .string("success"))
            let steps = try #require(answer["steps"]?.arrayItems, "\(answer.text)")
            #expect(
                steps.map { $0.field("function") } == [
                    .string("emergency"), .string("load_url"), .string("show_toast"),
                ])
            #expect(steps.map { $0.field("targets") } == [.number(2), .number(1), .number(1)])
            #expect(answer["targets"] == .number(4))
            let trigger = try #require(answer.string("trigger_id"))
            #expect(answer.string("command_id") == trigger)
            for (index, step) in steps.enumerated() {
                guard case .string(let id)? = step.field("command_id") else { continue }
                let command = try await gateway.admin(.get, "commands/\(id)")
                #expect(command.string("trigger_id") == trigger)
                #expect(command["step"] == .number(Double(index)))
            }
            // Each went out on its own target's topic, the toast filled from the call.
            let toast = parts.broker.publishes(on: testTopics.tagCommands("wardens")).compactMap {
                try? CommandEnvelope.decode($0.payload)
            }
            #expect(toast.first?.params.message == "Wardens to the lobby")
            #expect(!parts.broker.publishes(on: testTopics.groupCommands(try GroupID("lobby"))).isEmpty)
        }
    }

    @Test("A step that cannot run refuses the whole call, naming the step; nothing is stored or sent")
    func aStepThatCannotRunStoresNothing() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            let key = try await Self.setUp(gateway)
            #expect(try await gateway.admin(.delete, "groups/lobby").status == .noContent)
            let before = parts.broker.publishes.count
            let refused = try await gateway.postWebhook(
                key: key, body: #"{"event_id":"lobby-alarm","message":"x"}"#)
            #expect(refused.status == .conflict, "\(refused.text)")
            #expect(refused.errorCode == "target_unavailable")
            #expect(refused.text.contains("Step 2"), "\(refused.text)")
            #expect(try await parts.store.commands.count() == 0)
            #expect(parts.broker.publishes.count == before)
            // A missing value for a template is 422 naming the body's field.
            let missing = try await gateway.postWebhook(key: key, body: #"{"event_id":"lobby-alarm"}"#)
            #expect(missing.status == .unprocessableContent, "\(missing.text)")
            #expect(missing.errorCode == "invalid_message")
        }
    }

    @Test("A retried call with the same Idempotency-Key answers with the same steps and stores nothing new")
    func replay() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            let key = try await Self.setUp(gateway)
            let headers: HTTPFields = [
                .contentType: "application/json", HTTPField.Name("x-webhook-apikey")!: key,
                HTTPField.Name("Idempotency-Key")!: "alarm-1",
            ]
            let body = #"{"event_id":"lobby-alarm","message":"m"}"#
            let first = try await gateway.request(
                .post, "/public-api/integration/webhooks", headers: headers, body: body)
            let again = try await gateway.request(
                .post, "/public-api/integration/webhooks", headers: headers, body: body)
            #expect(again["duplicate"] == .bool(true), "\(again.text)")
            // The same commands (whether each shows as queued depends on when its publish time was recorded).
            #expect(
                again["steps"]?.arrayItems?.map { $0.field("command_id") }
                    == first["steps"]?.arrayItems?.map { $0.field("command_id") })
            #expect(again["steps"]?.arrayItems?.count == 3)
            #expect(try await parts.store.commands.count() == 3)
        }
    }

    @Test("Cancelling one step's command cancels the call as a whole")
    func cancelWholeCall() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            let key = try await Self.setUp(gateway)
            let answer = try await gateway.postWebhook(key: key, body: #"{"event_id":"lobby-alarm","message":"m"}"#)
            let steps = try #require(answer["steps"]?.arrayItems)
            guard case .string(let second)? = steps[1].field("command_id") else {
                Issue.record("no command id: \(answer.text)")
                return
            }
            let cancelled = try await gateway.admin(.post, "commands/\(second)/cancel")
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            for step in steps {
                guard case .string(let id)? = step.field("command_id") else { continue }
                let command = try await gateway.admin(.get, "commands/\(id)")
                #expect(command.string("cancelled_at") != nil, "\(id): \(command.text)")
                #expect(command["totals"]?.field("pending") == .number(0))
            }
        }
    }

    @Test("Bad steps are refused naming the field, and change nothing")
    func badSteps() async throws {
        try await InProcessGateway.run { gateway in
            let cases: [(String, String)] = [
                (
                    #"{"event_id":"x","function":"refresh_content","target":{"kind":"all"},"steps":[{"function":"refresh_content","target":{"kind":"all"}}]}"#,
                    "invalid_steps"
                ),
                (#"{"event_id":"x","steps":[]}"#, "invalid_steps"),
                (
                    #"{"event_id":"x","steps":[{"function":"refresh_content","target":{"kind":"all"}},{"function":"load_url","params":{"url":"ftp://x"},"target":{"kind":"all"}}]}"#,
                    "invalid_steps[1]_params_url"
                ),
                (
                    #"{"event_id":"x","steps":[{"function":"refresh_content","target":{"kind":"all"}},{"function":"emergency","params":{"state":"on"},"target":{"kind":"tag","tags":["a"]}}]}"#,
                    "invalid_steps[1]_target_kind"
                ),
                (#"{"event_id":"x"}"#, "invalid_function"),
            ]
            for (body, code) in cases {
                let refused = try await gateway.admin(.post, "actions", body)
                #expect(refused.status == .unprocessableContent, "\(body): \(refused.text)")
                #expect(refused.errorCode == code, "\(body): \(refused.text)")
            }
            let eleven = Array(repeating: #"{"function":"refresh_content","target":{"kind":"all"}}"#, count: 11)
            let tooMany = try await gateway.admin(
                .post, "actions", #"{"event_id":"x","steps":[\#(eleven.joined(separator: ","))]}"#)
            #expect(tooMany.errorCode == "invalid_steps", "\(tooMany.text)")
            #expect(try await gateway.admin(.get, "actions")["items"]?.arrayItems?.isEmpty == true)
        }
    }
}
