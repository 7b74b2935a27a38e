import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@Suite("GET /api/v1/events: the live stream of commands and presence")
struct EventStreamTests {
    @Test("Without the token or a session the stream is refused with 401 and a JSON error")
    func refusedWithoutCredentials() async throws {
        try await GatewayHarness.run(waitForBroker: false) { gateway in
            let refused = try await gateway.request(.get, "/api/v1/events")
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode == "missing_admin_token")
        }
    }

    @Test(
        "Says hello, then sends a new command with its totals, the same command again as a device answers, and presence"
    )
    func streamsChanges() async throws {
        let device = "sse-\(UUID().uuidString.prefix(8).lowercased())"
        try await GatewayHarness.run { gateway in
            #expect(try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#).status == .created)
            #expect(
                try await gateway.admin(
                    .post, "actions",
                    #"{"event_id":"live","function":"refresh_content","target":{"kind":"device","id":"\#(device)"}}"#
                ).status == .created)
            // The device answers only after the test has read the command's first event: the stream coalesces
            // what changed between two reads, so an answer that came in first would be all the test saw.
            let deviceID = try DeviceID(device)
            let deviceClient = try MQTTClient(configuration: .init(port: try SharedBroker.port, clientID: device))
            try await deviceClient.connect()
            defer { Task { await deviceClient.disconnect() } }
            let commands = try await deviceClient.subscribe(to: testTopics.deviceCommands(deviceID))

            // The session cookie opens the stream as the browser's EventSource does (a GET: no CSRF token).
            let (cookie, _) = try await ConsoleSessionTests.signIn(gateway)
            let stream = try RawTCPConnection(port: try #require(gateway.port))
            stream.send("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(cookie)\r\n\r\n")
            let hello = await stream.readUntil(containing: "event: hello", timeout: .seconds(60))
            #expect(hello.hasPrefix("HTTP/1.1 200"))
            #expect(hello.lowercased().contains("content-type: text/event-stream"))
            #expect(hello.contains(#"data: {"ack_deadline_seconds":30,"heartbeat_seconds":15}"#))

            let test = try await gateway.admin(.post, "actions/live/test")
            let commandID = try #require(test.string("command_id"))
            let created = await stream.readUntil(containing: #""pending":1"#, timeout: .seconds(60))
            let createdEvent = Self.events(in: created).last { $0.name == "command" }
            #expect(createdEvent?.data["id"] == .string(commandID), "created: \(created)")
            #expect(Self.total("pending", createdEvent) == 1)

            var delivered = commands.makeAsyncIterator()
            let envelope = try CommandEnvelope.decode(try #require(await delivered.next()).payload)
            #expect(envelope.id.uuidString.lowercased() == commandID.lowercased())
            let ack = Acknowledgement(
                commandID: envelope.id, deviceID: deviceID, status: .ok, detail: nil, executedAt: Date())
            _ = try await deviceClient.publish(to: testTopics.deviceAcks(deviceID), payload: ack.encoded())
            let answered = await stream.readUntil(containing: #""ok":1"#, timeout: .seconds(60))
            let answeredEvent = Self.events(in: answered).last { $0.name == "command" }
            #expect(answeredEvent?.data["id"] == .string(commandID), "answered: \(answered)")
            #expect(Self.total("ok", answeredEvent) == 1)
            #expect(answeredEvent?.data["complete"] == .bool(true))

            let presence = PresenceMessage(
                deviceID: deviceID, status: .online, since: Date(),
                state: ReportedDeviceState(currentURL: "https://example.com/live"))
            _ = try await deviceClient.publish(
                to: testTopics.deviceStatus(deviceID), payload: presence.encoded(), retain: true)
            // Other suites' devices come and go on the shared broker too: read on until this device's presence.
            var online = ""
            var found: Event?
            for _ in 0..<100 where found == nil {
                online += await stream.readUntil(containing: "event: presence", timeout: .seconds(60))
                found = Self.events(in: online).last {
                    $0.name == "presence" && $0.data["device_id"] == .string(device)
                        && $0.data["reported_state"] != nil
                }
            }
            let presenceEvent = try #require(found, "\(online)")
            #expect(presenceEvent.data["device_id"] == .string(device))
            #expect(presenceEvent.data["online"] == .bool(true))
            #expect(presenceEvent.data["reported_state"]?.field("current_url") == .string("https://example.com/live"))
            #expect(presenceEvent.data["reported_state_at"] != nil)
            _ = try await deviceClient.publish(to: testTopics.deviceStatus(deviceID), payload: [], retain: true)
        }
    }

    struct Event {
        let name: String
        let data: [String: JSONValue]
    }

    /// The events in a stream's text so far (the HTTP head and chunk sizes are skipped: only event lines count).
    static func events(in text: String) -> [Event] {
        var events: [Event] = []
        var name: String?
        for line in text.split(separator: "\r\n").flatMap({ $0.split(separator: "\n") }) {
            if line.hasPrefix("event: ") {
                name = String(line.dropFirst(7))
            } else if line.hasPrefix("data: "), let current = name {
                if case .object(let data)? = try? JSONDecoder().decode(
                    JSONValue.self, from: Data(line.dropFirst(6).utf8))
                {
                    events.append(Event(name: current, data: data))
                }
                name = nil
            }
        }
        return events
    }

    static func total(_ state: String, _ event: Event?) -> Int? {
        guard case .object(let totals)? = event?.data["totals"], case .number(let value)? = totals[state] else {
            return nil
        }
        return Int(value)
    }
}
