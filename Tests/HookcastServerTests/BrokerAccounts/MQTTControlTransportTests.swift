import Foundation
import HookcastProtocol
import HookcastTestSupport
import Mosquitto
import Testing

@testable import HookcastServer

/// The control channel through a real broker: the request carries its response topic and correlation data as
/// MQTT v5 properties, and the answer comes back with them. The shared open broker hands `$CONTROL/` messages to
/// plugins only, so a responder client of the test's own answers on topics of the test's own.
@Suite struct MQTTControlTransportTests {
    @Test func theResponseTopicAndCorrelationDataTravelAsMQTTv5Properties() async throws {
        let root = "hookcast-test/control/\(UUID().uuidString.prefix(8))"
        let gateway = try MQTTClient(configuration: Self.configuration("gateway/+#weird"))
        let transport = try await MQTTControlTransport(
            client: gateway, requestTopic: "\(root)/request", responseTopics: "\(root)/response")
        #expect(transport.responseTopic.hasPrefix("\(root)/response/gateway___weird-"))
        try await gateway.connect()
        let client = BrokerControlClient(transport: transport, timeout: .seconds(30))
        let serving = Task { await client.run() }

        let responder = try MQTTClient(configuration: Self.configuration("responder"))
        try await responder.connect()
        // Subscribed on a connected client: returns once the broker granted it, so no request can pass unheard.
        let requests = try await responder.subscribe(to: "\(root)/request")
        let answering = Task {
            for await request in requests {
                let properties = request.properties
                guard let topic = properties.responseTopic, let correlation = properties.correlationData,
                    let decoded = try? JSONDecoder().decode(BrokerControlRequest.self, from: Data(request.payload))
                else { continue }
                let answer = BrokerControlResponse(
                    results: decoded.commands.map { BrokerControlResult(command: $0.name, count: 7) })
                try await responder.publish(
                    to: topic, payload: Array(try JSONEncoder().encode(answer)),
                    properties: MQTTPublishProperties(correlationData: correlation))
            }
        }

        let results = try await client.send([.digest, .endSync(generation: 3)])
        #expect(results == [.init(command: "digest", count: 7), .init(command: "endSync", count: 7)])

        answering.cancel()
        await responder.disconnect()
        await gateway.disconnect()
        await serving.value
    }

    private static func configuration(_ name: String) throws -> MQTTClient.Configuration {
        MQTTClient.Configuration(
            host: SharedBroker.host, port: try SharedBroker.port, clientID: "\(name)-\(UUID().uuidString.prefix(8))",
            keepAlive: 10, connectTimeout: .seconds(5), reconnectDelay: 1...2,
            acknowledgementTimeout: .seconds(10), offlineWaitTimeout: .seconds(10))
    }
}
