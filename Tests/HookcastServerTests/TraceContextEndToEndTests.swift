import Foundation
import HTTPTypes
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

/// A webhook's trace context through the real broker to the reference agent and back in its acknowledgement,
/// watched by an MQTT client of the test's own on the device's topics.
@Suite("Trace context end to end with the reference device agent")
struct TraceContextEndToEndTests {
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    static let tracestate = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"

    @Test("The agent receives traceparent and tracestate as user properties and echoes them on its acknowledgement")
    func agentEchoesTheTrace() async throws {
        let id = "trace-\(UUID().uuidString.prefix(6))"
        let device = try DeviceID(id)
        let broker = try await TestBroker()
        let watcher = try MQTTClient(configuration: .init(port: broker.port, clientID: "watch-\(id)"))
        try await watcher.connect()
        let commands = try await watcher.subscribe(to: testTopics.deviceCommands(device))
        let acks = try await watcher.subscribe(to: testTopics.deviceAcks(device))
        let log = RecordedLog()
        try await GatewayHarness.run(mqttPort: broker.port, logger: log.logger(level: .debug)) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(id)"}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"traced","function":"refresh_content","target":{"kind":"device","id":"\#(id)"}}"#)
            let key = try await gateway.createKey().secret
            let (agent, task) = try await EndToEndTests.startAgent(id, broker: broker, gateway: gateway)

            let answer = try await gateway.request(
                .post, "/public-api/integration/webhooks?wait=30",
                headers: [
                    .contentType: "application/json", HTTPField.Name("x-webhook-apikey")!: key,
                    HTTPField.Name("traceparent")!: Self.traceparent, HTTPField.Name("tracestate")!: Self.tracestate,
                ],
                body: #"{"event_id":"traced"}"#)
            #expect(answer["complete"] == .bool(true), "\(answer.text)")
            #expect(answer["totals"]?.field("ok") == .number(1), "\(answer.text)")
            let commandID = try #require(answer.string("command_id"))

            let detail = try await gateway.admin(.get, "commands/\(commandID)")
            #expect(detail["trace"]?.field("traceparent") == .string(Self.traceparent), "\(detail.text)")
            #expect(detail["trace"]?.field("tracestate") == .string(Self.tracestate), "\(detail.text)")

            let expected = [
                MQTTUserProperty("traceparent", Self.traceparent), MQTTUserProperty("tracestate", Self.tracestate),
            ]
            let command = try #require(try await DispatchTests.next(from: commands, id: commandID))
            #expect(command.properties.userProperties == expected)
            let ack = try #require(try await DispatchTests.next(from: acks, id: commandID))
            #expect(ack.properties.userProperties == expected)
            let acknowledgement = try Acknowledgement.decode(ack.payload)
            #expect(acknowledgement.commandID.lowercasedString == commandID)
            #expect(acknowledgement.status == .ok)

            // Both lines are written before the webhook's wait ends: the acknowledgement's when it is read, before
            // it is stored.
            let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
            let lines = log.all
            let stored = lines.first { $0.message == "command stored" && $0.metadata["trace_id"] == traceID }
            #expect(stored?.level == .info)
            #expect(stored?.metadata["command_id"]?.lowercased() == commandID)
            let read = lines.first { $0.message == "acknowledgement read" && $0.metadata["trace_id"] == traceID }
            #expect(read?.metadata["command_id"]?.lowercased() == commandID)
            #expect(read?.metadata["device"] == id)

            await agent.stop()
            _ = try? await task.value
        }
        await watcher.disconnect()
    }
}
