import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@Suite("Commands reach the broker on the right topic, with the envelope and properties of docs/protocol.md")
struct DispatchTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let function: String
        let params: String
        let sensor: String?
        var testDescription: String { function }
    }

    static let functions: [Case] = [
        Case(function: "load_url", params: #"{"url":"https://example.com/board"}"#, sensor: nil),
        Case(function: "emergency", params: #"{"state":"on","message":"Leave now"}"#, sensor: nil),
        Case(function: "refresh_datasource", params: #"{"datasource_id":"ds-7"}"#, sensor: nil),
        Case(function: "pause_loop", params: #"{"loop_id":"main"}"#, sensor: nil),
        Case(function: "resume_loop", params: "{}", sensor: nil),
        Case(function: "send_sensor_event", params: "{}", sensor: #"{"id":"s1","event":"door","value":"open"}"#),
        Case(function: "refresh_content", params: "{}", sensor: nil),
        Case(function: "restart_device", params: "{}", sensor: nil),
    ]

    static func watcher() async throws -> (MQTTClient, MQTTSubscription) {
        let client = try MQTTClient(
            configuration: .init(port: try SharedBroker.port, clientID: "watch-\(UUID().uuidString.prefix(8))"))
        try await client.connect()
        return (client, try await client.subscribe(to: "\(testTopics.root)/#"))
    }

    @Test("Each function is published to its device's topic with the envelope", arguments: functions)
    func eachFunction(_ testCase: Case) async throws {
        let (watcher, commands) = try await Self.watcher()
        try await GatewayHarness.run { gateway in
            let device = "dev-\(UUID().uuidString.prefix(8))"
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#)
            let event = "ev-\(testCase.function)"
            let created = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"\#(event)","function":"\#(testCase.function)","params":\#(testCase.params),"target":{"kind":"device","id":"\#(device)"},"ttl_seconds":120}"#
            )
            #expect(created.status == .created, "\(created.text)")
            let key = try await gateway.createKey()
            let sensor = testCase.sensor.map { #","sensor_data":\#($0)"# } ?? ""
            let result = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"\#(event)"\#(sensor)}"#)
            #expect(result.status == .ok, "\(result.text)")
            #expect(result["queued"] == .bool(false))
            let commandID = try #require(result.string("command_id"))

            let message = try #require(try await Self.next(from: commands, id: commandID))
            #expect(message.topic == "\(testTopics.root)/devices/\(device)/commands")
            #expect(message.qos == .atLeastOnce)
            #expect(message.properties.correlationData == Array(commandID.utf8))
            #expect(message.properties.contentType == "application/json")
            let expiry = try #require(message.properties.messageExpiryInterval)
            #expect((110...120).contains(expiry))
            let envelope = try CommandEnvelope.decode(message.payload)
            #expect(envelope.version == 1)
            #expect(envelope.function.rawValue == testCase.function)
            #expect(envelope.eventID.rawValue == event)
            #expect(envelope.target == .device(try DeviceID(device)))
            #expect(envelope.expiresAt.timeIntervalSince(envelope.issuedAt) == 120)
            let expectedParams = try JSONDecoder().decode(JSONValue.self, from: Data(testCase.params.utf8))
            let sentParams = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(envelope.params))
            #expect(sentParams == expectedParams)
            #expect((envelope.sensorData != nil) == (testCase.sensor != nil))

            let stored = try await gateway.admin(.get, "commands/\(commandID)")
            #expect(stored["published_at"] != nil && stored["published_at"] != .null)
        }
        await watcher.disconnect()
    }

    @Test("Group and all-devices targets publish once on the group and broadcast topics, expecting every member")
    func groupAndAllTargets() async throws {
        let (watcher, commands) = try await Self.watcher()
        try await GatewayHarness.run { gateway in
            let suffix = UUID().uuidString.prefix(8)
            for index in 1...3 { _ = try await gateway.admin(.post, "devices", #"{"id":"d\#(index)-\#(suffix)"}"#) }
            _ = try await gateway.admin(
                .post, "groups", #"{"id":"g-\#(suffix)","members":["d1-\#(suffix)","d2-\#(suffix)"]}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"grp","function":"refresh_content","target":{"kind":"group","id":"g-\#(suffix)"}}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"everyone","function":"emergency","params":{"state":"off"},"target":{"kind":"all"}}"#)
            let key = try await gateway.createKey()

            let group = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"grp"}"#)
            #expect(group["targets"] == .number(2))
            let groupMessage = try await Self.next(from: commands, id: try #require(group.string("command_id")))
            #expect(groupMessage?.topic == "\(testTopics.root)/groups/g-\(suffix)/commands")

            let all = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"everyone"}"#)
            #expect(all["targets"] == .number(3))
            let allMessage = try await Self.next(from: commands, id: try #require(all.string("command_id")))
            #expect(allMessage?.topic == "\(testTopics.root)/all/commands")
            let stored = try await gateway.admin(.get, "commands/\(try #require(all.string("command_id")))")
            #expect(stored["expected_devices"] == .array((1...3).map { .string("d\($0)-\(suffix)") }))
        }
        await watcher.disconnect()
    }

    @Test("Group membership reaches each device as its retained config message, and follows changes")
    func retainedConfig() async throws {
        let client = try MQTTClient(
            configuration: .init(port: try SharedBroker.port, clientID: "cfg-\(UUID().uuidString.prefix(8))"))
        try await client.connect()
        try await GatewayHarness.run { gateway in
            let device = "cfg-\(UUID().uuidString.prefix(8))"
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)","tags":["lobby"]}"#)
            _ = try await gateway.admin(.post, "groups", #"{"id":"a-\#(device)","members":["\#(device)"]}"#)
            _ = try await gateway.admin(.post, "groups", #"{"id":"b-\#(device)","members":["\#(device)"]}"#)
            let configs = try await client.subscribe(to: "\(testTopics.root)/devices/\(device)/config")
            let retained = try await withTimeout(.seconds(60), "retained config") { () -> MQTTMessage? in
                for await message in configs { return message }
                return nil
            }
            #expect(retained?.retain == true)
            let config = try JSONDecoder().decode(JSONValue.self, from: Data(retained?.payload ?? []))
            #expect(
                config
                    == .object([
                        "v": .number(1), "device_id": .string(device),
                        "groups": .array([.string("a-\(device)"), .string("b-\(device)")]),
                        "tags": .array([.string("lobby")]),
                    ]))
            _ = try await gateway.admin(.delete, "groups/a-\(device)/members/\(device)")
            let changed = try await withTimeout(.seconds(60), "changed config") { () -> MQTTMessage? in
                for await message in configs { return message }
                return nil
            }
            let updated = try JSONDecoder().decode(JSONValue.self, from: Data(changed?.payload ?? []))
            #expect(
                updated
                    == .object([
                        "v": .number(1), "device_id": .string(device), "groups": .array([.string("b-\(device)")]),
                        "tags": .array([.string("lobby")]),
                    ]))
            // A tag change is a config change too.
            _ = try await gateway.admin(.patch, "devices/\(device)", #"{"tags":["hall"]}"#)
            let retagged = try await withTimeout(.seconds(60), "retagged config") { () -> MQTTMessage? in
                for await message in configs { return message }
                return nil
            }
            let tagged = try JSONDecoder().decode(JSONValue.self, from: Data(retagged?.payload ?? []))
            #expect(tagged.field("tags") == .array([.string("hall")]), "\(tagged)")
            _ = try await gateway.admin(.delete, "devices/\(device)")
        }
        await client.disconnect()
    }

    @Test("With the broker down the webhook still succeeds as queued, and the command goes out when it returns")
    func queuedWhileBrokerDown() async throws {
        let broker = try await TestBroker()
        let port = broker.port
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await GatewayHarness.run(dataDirectory: directory, mqttPort: port) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"q1"}"#)
            _ = try await gateway.admin(
                .post, "actions", #"{"event_id":"q","function":"restart_device","target":{"kind":"device","id":"q1"}}"#)
            let key = try await gateway.createKey()
            await broker.stop()
            try await withTimeout(.seconds(60), "gateway notices") {
                while try await gateway.request(.get, "/readyz").status == .ok {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let result = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"q"}"#)
            #expect(result.status == .ok)
            #expect(result["queued"] == .bool(true))
            let commandID = try #require(result.string("command_id"))

            try await broker.start()
            // published_at is set only once the broker acknowledged the command.
            try await withTimeout(.seconds(10), "published after the broker returned") {
                while true {
                    let stored = try await gateway.admin(.get, "commands/\(commandID)")
                    if let published = stored["published_at"], published != .null { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    static func next(from subscription: MQTTSubscription, id: String) async throws -> MQTTMessage? {
        try await withTimeout(.seconds(60), "command \(id)") {
            for await message in subscription where message.properties.correlationData == Array(id.utf8) {
                return message
            }
            return nil
        }
    }

    @Test("While the broker is down the backlog is bounded: past it, 503 with Retry-After and nothing stored")
    func boundedBacklog() async throws {
        let broker = try await TestBroker()
        let port = broker.port
        try await GatewayHarness.run(mqttPort: port, maximumBacklog: 2) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"b1"}"#)
            _ = try await gateway.admin(
                .post, "actions", #"{"event_id":"b","function":"refresh_content","target":{"kind":"device","id":"b1"}}"#
            )
            let key = try await gateway.createKey()
            await broker.stop()
            try await withTimeout(.seconds(60), "gateway notices") {
                while try await gateway.request(.get, "/readyz").status == .ok {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            for _ in 0..<2 {
                #expect(
                    try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"b"}"#)["queued"] == .bool(true))
            }
            let refused = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"b"}"#)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.errorCode == "backlog_full")
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(2))

            try await broker.start()
            try await withTimeout(.seconds(10), "backlog drained") {
                while try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"b"}"#).status != .ok {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }
}
