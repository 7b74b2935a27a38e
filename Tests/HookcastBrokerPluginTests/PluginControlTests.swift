import Foundation
import HookcastBrokerAccess
import HookcastProtocol
import HookcastTestSupport
import Testing

/// The control channel of the plugin loaded into a real mosquitto, driven with mosquitto's own clients.
@Suite("Broker plugin: control channel", .serialized)
struct PluginControlTests {
    @Test("A gateway's request is applied and answered on its response topic with its correlation data")
    func requestAndResponse() async throws {
        let broker = try await PluginBroker()
        let account = try BrokerDeviceAccount.make("panel-1", password: "panel-1-secret", groups: ["lobby"])
        let request = String(
            decoding: try JSONEncoder().encode(BrokerControlRequest(commands: [.putDevices([account]), .digest])),
            as: UTF8.self)
        let (correlation, response) = try await broker.control(request, correlation: "request-42")
        #expect(correlation == "request-42")
        #expect(
            response.results == [
                BrokerControlResult(command: "putDevices", count: 1),
                BrokerControlResult(
                    command: "digest", count: 1, digest: BrokerAccountDigest([account]).hex,
                    topicPrefix: testTopics.root),
            ])
        #expect(!broker.broker.log.contains("panel-1-secret"))
        #expect(!broker.broker.log.contains(account.credential), "no credential in the broker's log")
    }

    @Test("A malformed or unknown request gets an error answer and the broker keeps running")
    func malformed() async throws {
        let broker = try await PluginBroker()
        for request in ["not json {{", #"{"commands":[{"command":"dropEverything"}]}"#, "[]", ""] {
            let (_, response) = try await broker.control(request)
            #expect(response.results.count == 1)
            #expect(response.results.first?.command == "request")
            #expect(response.results.first?.error != nil, "\(request): \(response)")
        }
        let digest = try await broker.digest()
        #expect(digest.count == 0)
        #expect(FreePort.isListening(port: broker.port))
    }

    @Test("A request from a device account is refused and changes nothing")
    func fromDevice() async throws {
        let broker = try await PluginBroker()
        let device = try BrokerDeviceAccount.make("panel-1", password: "p1")
        _ = try await broker.control(.putDevices([device]))
        let before = try await broker.digest()
        let deleteRequest = String(
            decoding: try JSONEncoder().encode(BrokerControlRequest(commands: [.deleteDevices([device.id])])),
            as: UTF8.self)
        let output = try await MosquittoClient.run(
            "mosquitto_pub",
            [
                "-h", "127.0.0.1", "-p", String(broker.port), "-V", "5", "-q", "1", "-d", "-u", "panel-1", "-P", "p1",
                "-i", "panel-1", "-t", BrokerControl.requestTopic, "-D", "publish", "response-topic",
                "\(BrokerControl.responseTopic)/panel-1", "-m", deleteRequest,
            ])
        print("device's request: \(output)")
        #expect(try await broker.digest() == before)
        // The device can still log in: its account was not deleted.
        let subscriber = try await broker.subscriber(
            "panel-1", password: "p1", filters: ["\(testTopics.root)/devices/panel-1/commands"])
        #expect(subscriber.output.contains("received SUBACK"), "\(subscriber.output)")
    }

    @Test("A request without an allowed response topic is ignored")
    func noResponseTopic() async throws {
        let broker = try await PluginBroker()
        let request = String(
            decoding: try JSONEncoder().encode(
                BrokerControlRequest(commands: [.putDevices([try .make("panel-1", password: "p")])])),
            as: UTF8.self)
        for extra in [[], ["-D", "publish", "response-topic", "\(testTopics.root)/devices/panel-1/commands"]] {
            _ = try await MosquittoClient.run(
                "mosquitto_pub",
                [
                    "-h", "127.0.0.1", "-p", String(broker.port), "-V", "5", "-q", "1", "-u", PluginBroker.gatewayName,
                    "-P", broker.gatewayPassword, "-t", BrokerControl.requestTopic, "-m", request,
                ] + extra)
        }
        #expect(try await broker.digest().count == 0)
        #expect(broker.broker.log.contains("ignored"))
    }
}
