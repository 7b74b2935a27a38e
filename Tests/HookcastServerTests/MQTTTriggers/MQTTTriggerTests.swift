import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

/// Triggers over MQTT on a broker from the shipped configuration with Hookcast's plugin, a gateway that manages
/// its accounts and a reference agent: what an integration account publishes is acted on as the webhook acts, and
/// answered as the webhook answers.
@Suite("Triggers over MQTT", .serialized)
struct MQTTTriggerTests {
    static let root = testTopics.root

    /// An integration account `crm` bound to a new key (scoped to `events` when given), connected and subscribed
    /// to its answers.
    static func integration(
        _ gateway: GatewayClient, _ broker: TestBroker, events: [String]? = nil
    ) async throws -> (client: MQTTClient, answers: MQTTSubscription, keySecret: String, keyID: String) {
        let scope = events.map { #","event_ids":[\#($0.map { "\"\($0)\"" }.joined(separator: ","))]"# } ?? ""
        let key = try await gateway.admin(.post, "keys", #"{"name":"crm key"\#(scope)}"#)
        try #require(key.status == .created, "\(key.text)")
        let created = try await gateway.admin(
            .post, "integrations", #"{"name":"crm","key_id":"\#(try #require(key.string("id")))"}"#)
        try #require(created.status == .created, "\(created.text)")
        let client = try SecureGateway.client(
            broker, username: "integration.crm", password: try #require(created.string("password")),
            clientID: "integration.crm:test")
        try await client.connect()
        return (
            client, try await client.subscribe(to: "\(root)/answers/crm/#"), try #require(key.string("key")),
            try #require(key.string("id"))
        )
    }

    static func trigger(
        _ client: MQTTClient, event: String, body: String, responseTopic: String? = "\(root)/answers/crm/r",
        correlation: [UInt8] = [7], properties: [MQTTUserProperty] = []
    ) async throws {
        try await client.publish(
            to: "\(root)/triggers/\(event)", payload: Array(body.utf8), qos: .atLeastOnce,
            properties: MQTTPublishProperties(
                correlationData: correlation, responseTopic: responseTopic, contentType: "application/json",
                userProperties: properties))
    }

    static func next(_ answers: MQTTSubscription) async throws -> (message: MQTTMessage, json: JSONValue) {
        let message = try await withTimeout(.seconds(30), "the trigger's answer") {
            var iterator = answers.makeAsyncIterator()
            return try #require(await iterator.next())
        }
        return (message, try UntrustedJSON.decode(Data(message.payload)))
    }

    static func status(_ message: MQTTMessage) -> String? {
        message.properties.userProperties.first { $0.name == "status" }?.value
    }

    @Test("An MQTT trigger and a webhook with the same body make the same command and the same answer")
    func sameAsTheWebhook() async throws {
        try await SecureGateway.run { gateway, broker in
            let password = try await SecureGateway.createDevice(gateway, "door-1")
            let agent = try DeviceAgent(
                configuration: .init(
                    deviceID: try DeviceID("door-1"), mqttPort: broker.port, username: "door-1", password: password,
                    topics: testTopics))
            let running = Task { try await agent.run() }
            defer { running.cancel() }
            let action = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"door-open","function":"show_toast","params":{"message":"Door {{sensor_data.id}}: {{message}}"},"target":{"kind":"device","id":"door-1"}}"#
            )
            try #require(action.status == .created, "\(action.text)")
            let (client, answers, keySecret, keyID) = try await Self.integration(gateway, broker)
            defer { Task { await client.disconnect() } }
            let body =
                #"{"event_id":"door-open","message":"open","sensor_data":{"id":"north","event":"opened","value":1}}"#
            let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

            try await Self.trigger(
                client, event: "door-open", body: body,
                properties: [
                    MQTTUserProperty("wait", "20"), MQTTUserProperty("Idempotency-Key", "door-open-1"),
                    MQTTUserProperty("traceparent", traceparent),
                ])
            let (message, answer) = try await Self.next(answers)
            #expect(message.topic == "\(Self.root)/answers/crm/r")
            #expect(message.properties.correlationData == [7])
            #expect(Self.status(message) == "200", "\(answer)")
            guard case .object(let fields) = answer, case .string(let commandID)? = fields["command_id"] else {
                Issue.record("no command id: \(answer)")
                return
            }
            #expect(fields["message"] == .string("success"))
            #expect(fields["complete"] == .bool(true), "the wait heard the device: \(answer)")
            #expect(answer["totals"]?["ok"] == .number(1), "\(answer)")

            // The same body through the same key, over HTTP.
            let viaHTTP = try await gateway.postWebhook(key: keySecret, body: body, query: "wait=20")
            #expect(viaHTTP.status == .ok, "\(viaHTTP.text)")
            guard case .object(var httpFields) = viaHTTP.json, case .object(var mqttFields) = answer else { return }
            // The same answer, but for the command's own id and times.
            #expect(mqttFields["report_url"] == .string("/public-api/integration/commands/\(commandID)"))
            for volatile in [
                "command_id", "commands", "status_url", "report_url", "issued_at", "completed_at", "devices",
            ] {
                httpFields[volatile] = nil
                mqttFields[volatile] = nil
            }
            #expect(httpFields == mqttFields, "\(viaHTTP.text) vs \(answer)")
            guard case .string(let httpCommandID)? = viaHTTP["command_id"] else { return }
            let viaMQTT = try await gateway.admin(.get, "commands/\(commandID)")
            let viaWebhook = try await gateway.admin(.get, "commands/\(httpCommandID)")
            for field in ["event_id", "function", "params", "target", "api_key_id", "source", "state"] {
                #expect(viaMQTT[field] == viaWebhook[field], "\(field)")
            }
            #expect(viaMQTT["params"] == .object(["message": .string("Door north: open")]), "\(viaMQTT.text)")
            guard case .object(let trace)? = viaMQTT["trace"] else {
                Issue.record("no trace: \(viaMQTT.text)")
                return
            }
            #expect(trace["traceparent"] == .string(traceparent))

            // The same Idempotency-Key again: the same command, not a second one.
            try await Self.trigger(
                client, event: "door-open", body: body, properties: [MQTTUserProperty("Idempotency-Key", "door-open-1")]
            )
            let (_, repeated) = try await Self.next(answers)
            #expect(repeated["command_id"] == .string(commandID), "\(repeated)")
            // Another integration account of the same key reads its own answers and never crm's, whatever it asks.
            let other = try await gateway.admin(.post, "integrations", #"{"name":"other","key_id":"\#(keyID)"}"#)
            let otherPassword = try #require(other.string("password"), "\(other.text)")
            let spy = try await MosquittoSubscriber(
                port: broker.port, username: "integration.other", password: otherPassword,
                clientID: "integration.other:spy",
                filters: ["\(Self.root)/answers/crm/#", "\(Self.root)/answers/#", "\(Self.root)/answers/other/#"])
            try await Self.trigger(client, event: "door-open", body: body)
            _ = try await Self.next(answers)
            let otherClient = try SecureGateway.client(
                broker, username: "integration.other", password: otherPassword, clientID: "integration.other:1")
            try await otherClient.connect()
            try await Self.trigger(
                otherClient, event: "door-open", body: body, responseTopic: "\(Self.root)/answers/other/x")
            try await spy.waitUntil("its own answer") { $0.contains("\(Self.root)/answers/other/x") }
            #expect(!spy.receivedTopics.contains { $0.hasPrefix("\(Self.root)/answers/crm") }, "\(spy.output)")
            await otherClient.disconnect()

            let audit = try await gateway.admin(.get, "audit?kind=trigger")
            #expect(audit.text.contains("mqtt:integration.crm"), "\(audit.text)")
        }
    }

    @Test("Outside the key's scope, malformed, mismatched or answered elsewhere: the webhook's error, nothing stored")
    func refusals() async throws {
        try await SecureGateway.run { gateway, broker in
            _ = try await SecureGateway.createDevice(gateway, "door-2")
            for event in ["door-open", "door-shut"] {
                let action = try await gateway.admin(
                    .post, "actions",
                    #"{"event_id":"\#(event)","function":"refresh_content","target":{"kind":"device","id":"door-2"}}"#)
                try #require(action.status == .created, "\(action.text)")
            }
            let (client, answers, _, _) = try await Self.integration(gateway, broker, events: ["door-open"])
            defer { Task { await client.disconnect() } }

            let cases: [(event: String, body: String, responseTopic: String?, status: String, error: String)] = [
                ("door-shut", "{}", "\(Self.root)/answers/crm/r", "403", "event_not_in_key_scope"),
                ("door-open", "{", "\(Self.root)/answers/crm/r", "400", "invalid_json"),
                ("door-open", #"{"event_id":"door-shut"}"#, "\(Self.root)/answers/crm/r", "400", "event_id_mismatch"),
                ("door-open", "{}", "\(Self.root)/devices/door-2/commands", "400", "invalid_response_topic"),
                ("door-open", "{}", "\(Self.root)/answers/other/r", "400", "invalid_response_topic"),
            ]
            for (index, refused) in cases.enumerated() {
                try await Self.trigger(
                    client, event: refused.event, body: refused.body, responseTopic: refused.responseTopic,
                    correlation: [UInt8(index)])
                let (message, answer) = try await Self.next(answers)
                #expect(Self.status(message) == refused.status, "\(refused) → \(answer)")
                #expect(answer["error"] == .string(refused.error), "\(refused) → \(answer)")
                #expect(answer["message"] == .string("Error"))
                #expect(message.properties.correlationData == [UInt8(index)])
                if refused.error == "invalid_response_topic" {
                    #expect(message.topic == "\(Self.root)/answers/crm", "answered on its own topic")
                }
            }
            let commands = try await gateway.admin(.get, "commands")
            #expect(commands["items"] == .array([]), "nothing stored: \(commands.text)")

            // Still answered at once: an empty payload is the event alone.
            try await Self.trigger(client, event: "door-open", body: "")
            let (message, answer) = try await Self.next(answers)
            #expect(Self.status(message) == "200", "\(answer)")
        }
    }
}

extension JSONValue {
    fileprivate subscript(_ key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }
}
