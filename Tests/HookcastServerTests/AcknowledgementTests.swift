import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Synchronization
import Testing

/// A device reduced to the protocol: answers every command on its own, the broadcast and its groups' topics.
struct ScriptedDevice: Sendable {
    let id: String
    let client: MQTTClient
    let task: Task<Void, Never>

    /// `ignoring` deliveries are dropped without an answer, as if lost on the way.
    static func start(
        id: String, groups: [String] = [], status: AcknowledgementStatus = .ok, detail: String? = nil,
        delay: Duration = .zero, ignoring: Int = 0, received: ReceivedTopics? = nil, port: Int? = nil
    ) async throws -> ScriptedDevice {
        let client = try MQTTClient(configuration: .init(port: try port ?? SharedBroker.port, clientID: id))
        try await client.connect()
        let deviceID = try DeviceID(id)
        let deliveries = received ?? ReceivedTopics()
        var topics = [testTopics.deviceCommands(deviceID), testTopics.allCommands]
        topics += try groups.map { testTopics.groupCommands(try GroupID($0)) }
        var subscriptions: [MQTTSubscription] = []
        for topic in topics { subscriptions.append(try await client.subscribe(to: topic)) }
        let task = Task {
            await withTaskGroup(of: Void.self) { group in
                for subscription in subscriptions {
                    group.addTask {
                        for await message in subscription {
                            guard let envelope = try? CommandEnvelope.decode(message.payload) else { continue }
                            if deliveries.record(message.topic) <= ignoring { continue }
                            try? await Task.sleep(for: delay)
                            let ack = Acknowledgement(
                                commandID: envelope.id, deviceID: deviceID, status: status, detail: detail,
                                executedAt: Date())
                            _ = try? await client.publish(to: testTopics.deviceAcks(deviceID), payload: ack.encoded())
                        }
                    }
                }
            }
        }
        return ScriptedDevice(id: id, client: client, task: task)
    }

    func stop() async {
        task.cancel()
        await client.disconnect()
    }
}

/// The topics a scripted device received commands on, in order.
final class ReceivedTopics: Sendable {
    private let topics = Mutex<[String]>([])

    /// Records a delivery; returns how many there have been, this one included.
    func record(_ topic: String) -> Int {
        topics.withLock {
            $0.append(topic)
            return $0.count
        }
    }

    var all: [String] { topics.withLock { $0 } }
}

@Suite("Acknowledgements and presence, as the gateway records them")
struct AcknowledgementTests {
    static func unique(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(6))" }

    /// Registers the devices, a group of them and a group action; returns the API key's secret.
    static func register(_ gateway: GatewayClient, devices: [String], group: String, event: String) async throws
        -> String
    {
        for device in devices { _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#) }
        let members = devices.map { "\"\($0)\"" }.joined(separator: ",")
        _ = try await gateway.admin(.post, "groups", #"{"id":"\#(group)","members":[\#(members)]}"#)
        _ = try await gateway.admin(
            .post, "actions",
            #"{"event_id":"\#(event)","function":"refresh_content","target":{"kind":"group","id":"\#(group)"}}"#)
        return try await gateway.createKey().secret
    }

    static func status(_ gateway: GatewayClient, _ commandID: String) async throws -> [String: JSONValue] {
        let result = try await gateway.admin(.get, "commands/\(commandID)")
        guard case .array(let devices)? = result["devices"] else { return [:] }
        var states: [String: JSONValue] = [:]
        for case .object(let entry) in devices {
            if case .string(let id)? = entry["device_id"] { states[id] = .object(entry) }
        }
        return states
    }

    static func waitUntil(
        _ gateway: GatewayClient, _ commandID: String, within: Duration = .seconds(10),
        _ condition: @escaping @Sendable (HTTPResult) -> Bool
    ) async throws -> HTTPResult {
        try await withTimeout(within, "command \(commandID)") {
            while true {
                let status = try await gateway.admin(.get, "commands/\(commandID)")
                if condition(status) { return status }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    @Test("Each device's answer is recorded: ok, failed with its detail, pending for the silent one")
    func perDeviceStates() async throws {
        let (good, bad, silent, group) = (
            Self.unique("good"), Self.unique("bad"), Self.unique("silent"), Self.unique("g")
        )
        let okDevice = try await ScriptedDevice.start(id: good, groups: [group])
        let failing = try await ScriptedDevice.start(id: bad, groups: [group], status: .failed, detail: "screen is off")
        try await GatewayHarness.run { gateway in
            let key = try await Self.register(gateway, devices: [good, bad, silent], group: group, event: "states")
            let trigger = try await gateway.postWebhook(key: key, body: #"{"event_id":"states"}"#)
            let id = try #require(trigger.string("command_id"))
            let status = try await Self.waitUntil(gateway, id) {
                $0["totals"]
                    == .object([
                        "ok": .number(1), "failed": .number(1), "pending": .number(1), "rejected": .number(0),
                        "expired": .number(0), "timed_out": .number(0), "cancelled": .number(0), "extra": .number(0),
                    ])
            }
            #expect(status["complete"] == .bool(false))
            #expect(status["devices_total"] == .number(3))
            let states = try await Self.status(gateway, id)
            #expect(states[bad]?.field("detail") == .string("screen is off"))
            #expect(states[silent]?.field("state") == .string("pending"))
            #expect(states[good]?.field("state") == .string("ok"))
            #expect(states[silent]?.field("redeliveries") == .number(0))

            // The listing carries the same totals, and the same lower-case id the webhook answered with.
            let listed = try await gateway.admin(.get, "commands")
            let item = try #require(listed["items"]?.arrayItems?.first)
            #expect(item.field("id") == .string(id))
            #expect(item.field("totals") == status["totals"])
            #expect(item.field("complete") == .bool(false))
            #expect(item.field("devices") == nil)
        }
        await okDevice.stop()
        await failing.stop()
    }

    @Test("A device that stays silent past the acknowledgement deadline is timed_out")
    func timedOut() async throws {
        let (silent, group) = (Self.unique("silent"), Self.unique("g"))
        try await GatewayHarness.run(acknowledgementDeadline: .seconds(1)) { gateway in
            let key = try await Self.register(gateway, devices: [silent], group: group, event: "quiet")
            let id = try #require(
                try await gateway.postWebhook(key: key, body: #"{"event_id":"quiet"}"#).string("command_id"))
            let status = try await Self.waitUntil(gateway, id) { $0["complete"] == .bool(true) }
            #expect(status["totals"]?.field("timed_out") == .number(1))
        }
    }

    @Test("With wait, the webhook answers once every device acknowledged, with the totals")
    func waitForAcknowledgements() async throws {
        let (slow, silent, group) = (Self.unique("slow"), Self.unique("silent"), Self.unique("g"))
        let device = try await ScriptedDevice.start(id: slow, groups: [group], delay: .milliseconds(300))
        try await GatewayHarness.run { gateway in
            let key = try await Self.register(gateway, devices: [slow], group: group, event: "proof")
            let answered = try await gateway.postWebhook(key: key, body: #"{"event_id":"proof"}"#, query: "wait=30")
            #expect(answered.status == .ok)
            #expect(answered["complete"] == .bool(true))
            #expect(answered["totals"]?.field("ok") == .number(1))

            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(silent)"}"#)
            _ = try await gateway.admin(.put, "groups/\(group)/members/\(silent)")
            let started = ContinuousClock.now
            let partial = try await gateway.postWebhook(key: key, body: #"{"event_id":"proof"}"#, query: "wait=1")
            // Bounded by the caller's 1 s, not the 30 s ceiling: the bound sits far from both.
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect(partial["complete"] == .bool(false))
            #expect(partial["totals"]?.field("pending") == .number(1))
            #expect(
                try await gateway.postWebhook(key: key, body: #"{"event_id":"proof"}"#, query: "wait=99").errorCode
                    == "invalid_wait")
        }
        await device.stop()
    }

    @Test("Answers from unexpected devices are only counted as extra; one for another device or unreadable is refused")
    func extraAndSpoofed() async throws {
        let (expected, stranger, group) = (Self.unique("exp"), Self.unique("stranger"), Self.unique("g"))
        let client = try MQTTClient(configuration: .init(port: try SharedBroker.port, clientID: stranger))
        try await client.connect()
        try await GatewayHarness.run { gateway in
            let key = try await Self.register(gateway, devices: [expected], group: group, event: "who")
            let id = try #require(
                try await gateway.postWebhook(key: key, body: #"{"event_id":"who"}"#).string("command_id"))
            let commandID = try #require(UUID(uuidString: id))
            // The stranger claims to be the expected device: refused, the topic names the sender.
            let spoofed = Acknowledgement(
                commandID: commandID, deviceID: try DeviceID(expected), status: .ok, detail: nil, executedAt: Date())
            try await client.publish(to: testTopics.deviceAcks(try DeviceID(stranger)), payload: spoofed.encoded())
            try await client.publish(to: testTopics.deviceAcks(try DeviceID(stranger)), payload: Array("not json".utf8))
            let honest = Acknowledgement(
                commandID: commandID, deviceID: try DeviceID(stranger), status: .ok, detail: nil, executedAt: Date())
            try await client.publish(to: testTopics.deviceAcks(try DeviceID(stranger)), payload: honest.encoded())
            let status = try await Self.waitUntil(gateway, id) { $0["totals"]?.field("extra") == .number(1) }
            #expect(status["totals"]?.field("pending") == .number(1))
            let states = try await Self.status(gateway, id)
            // Counted, not stored: the stranger gets no delivery row of its own.
            #expect(states[stranger] == nil)
            #expect(states[expected]?.field("state") == .string("pending"))
            // Both refusals are counted for the operator (at least: on the shared broker this gateway also hears
            // other tests' devices).
            let samples = MetricsTests.samples(try await gateway.request(.get, "/metrics").text)
            #expect(samples[#"hookcast_acknowledgements_ignored_total{reason="other_device"}"#] ?? 0 >= 1)
            #expect(samples[#"hookcast_acknowledgements_ignored_total{reason="malformed"}"#] ?? 0 >= 1)
            #expect(samples[#"hookcast_acknowledgements_ignored_total{reason="not_expected"}"#] ?? 0 >= 1)
        }
        await client.disconnect()
    }

    @Test("Presence from the retained status topic shows on the device list, with the last acknowledgement")
    func presence() async throws {
        let (device, group) = (Self.unique("present"), Self.unique("g"))
        let agent = try await ScriptedDevice.start(id: device, groups: [group])
        let deviceID = try DeviceID(device)
        try await GatewayHarness.run { gateway in
            let key = try await Self.register(gateway, devices: [device], group: group, event: "here")
            let online = PresenceMessage(deviceID: deviceID, status: .online, agentVersion: "9.9.9", since: Date())
            try await agent.client.publish(
                to: testTopics.deviceStatus(deviceID), payload: online.encoded(), retain: true)
            let id = try #require(
                try await gateway.postWebhook(key: key, body: #"{"event_id":"here"}"#).string("command_id"))
            _ = try await Self.waitUntil(gateway, id) { $0["complete"] == .bool(true) }
            let shown = try await withTimeout(.seconds(60), "presence") {
                while true {
                    let view = try await gateway.admin(.get, "devices/\(device)")
                    if view["online"] == .bool(true) { return view }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(shown["agent_version"] == .string("9.9.9"))
            // A device that reports no state (older agents, other implementations) still counts; none is shown.
            #expect(shown["reported_state"] == .null)
            #expect(shown["last_acknowledgement"]?.field("command_id") == .string(id))
            let offline = PresenceMessage(deviceID: deviceID, status: .offline, agentVersion: "9.9.9", since: Date())
            try await agent.client.publish(
                to: testTopics.deviceStatus(deviceID), payload: offline.encoded(), retain: true)
            try await withTimeout(.seconds(60), "offline") {
                while try await gateway.admin(.get, "devices/\(device)")["online"] != .bool(false) {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            try await agent.client.publish(to: testTopics.deviceStatus(deviceID), payload: [], retain: true)
        }
        await agent.stop()
    }
}

extension JSONValue {
    func field(_ key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

@Suite("Redelivery until the device answers")
struct RedeliveryTests {
    @Test("A device that lost the command gets it again on its own topic after the deadline, and answers")
    func redelivered() async throws {
        let (device, group) = (AcknowledgementTests.unique("lossy"), AcknowledgementTests.unique("g"))
        let received = ReceivedTopics()
        // A broker of its own: a broadcast from another suite would count as the lost delivery.
        let broker = try await TestBroker()
        let lossy = try await ScriptedDevice.start(
            id: device, groups: [group], ignoring: 1, received: received, port: broker.port)
        try await GatewayHarness.run(mqttPort: broker.port, acknowledgementDeadline: .seconds(1)) { gateway in
            let key = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "again")
            let started = ContinuousClock.now
            let answer = try await gateway.postWebhook(key: key, body: #"{"event_id":"again"}"#, query: "wait=30")
            #expect(answer["complete"] == .bool(true), "\(answer.text)")
            #expect(answer["totals"]?.field("ok") == .number(1))
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(
                received.all == [
                    "\(testTopics.root)/groups/\(group)/commands", "\(testTopics.root)/devices/\(device)/commands",
                ])
            let states = try await AcknowledgementTests.status(gateway, try #require(answer.string("command_id")))
            #expect(states[device]?.field("redeliveries") == .number(1))
            #expect(states[device]?.field("last_redelivered_at") != nil)
        }
        await lossy.stop()
    }
}
