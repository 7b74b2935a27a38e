import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

/// `docs/examples/python_device.py` beyond the open broker: as a firmware author would run it, with the password
/// the gateway answered, over TLS, and showing the latched emergency state the way docs/protocol.md combines it.
@Suite("The Python example device, secured and in emergencies")
struct PythonDeviceSecureTests {
    @Test("With its password over TLS on the locked-down broker it is commanded; a wrong password is refused")
    func passwordOverTLS() async throws {
        let ca = try await DevelopmentCA()
        let tlsPort = try FreePort.find()
        let broker = try await TestBroker(
            access: .secure,
            extraConfiguration: [
                "listener \(tlsPort) 127.0.0.1", "cafile \(ca.caCertificate.path)",
                "certfile \(ca.serverCertificate.path)", "keyfile \(ca.serverKey.path)", "tls_version tlsv1.2",
            ])
        try await FreePort.waitUntilListening(port: tlsPort, timeout: .seconds(30))
        let device = "pytls-\(UUID().uuidString.prefix(6).lowercased())"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("python-\(device)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await SecureGateway.run(broker: broker) { gateway, _ in
            let password = try await SecureGateway.createDevice(gateway, device)
            let passwordFile = directory.appendingPathComponent("device.password")
            try Data(password.utf8).write(to: passwordFile)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"pytls","function":"load_url","params":{"url":"https://example.com/tls"},"target":{"kind":"device","id":"\#(device)"}}"#
            )
            let key = try await gateway.createKey().secret
            let (process, log) = try PythonDeviceTests.start(
                id: device, port: tlsPort, passwordFile: passwordFile, tlsCA: ca.caCertificate)
            defer {
                process.terminate()
                try? FileManager.default.removeItem(at: log)
            }
            try await withTimeout(.seconds(60), "python device online over TLS") {
                while try await gateway.admin(.get, "devices/\(device)")["online"] != .bool(true) {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let answer = try await gateway.postWebhook(key: key, body: #"{"event_id":"pytls"}"#, query: "wait=30")
            #expect(answer["totals"]?.field("ok") == .number(1), "\(answer.text)")
            let view = try await gateway.admin(.get, "devices/\(device)")
            #expect(view["reported_state"]?.field("current_url") == .string("https://example.com/tls"), "\(view.text)")

            // The same device with a wrong password: CONNACK 135, as docs/protocol.md ("Connection") says.
            let wrongFile = directory.appendingPathComponent("wrong.password")
            try Data("not-the-password".utf8).write(to: wrongFile)
            let (refused, refusedLog) = try PythonDeviceTests.start(
                id: device, port: tlsPort, passwordFile: wrongFile, tlsCA: ca.caCertificate)
            defer {
                refused.terminate()
                try? FileManager.default.removeItem(at: refusedLog)
            }
            try await PythonDeviceTests.waitForLine("connection refused: Not authorized", in: refusedLog)
        }
        withExtendedLifetime(ca) {}
    }

    @Test("A broadcast emergency, a group's, leaving the group and the all-clear change what it reports")
    func emergencyState() async throws {
        let broker = try await TestBroker()
        let device = "pyem-\(UUID().uuidString.prefix(6).lowercased())"
        let group = "pyem-floor-\(UUID().uuidString.prefix(4).lowercased())"
        try await GatewayHarness.run(mqttPort: broker.port) { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#)
            _ = try await gateway.admin(.post, "groups", #"{"id":"\#(group)","members":["\#(device)"]}"#)
            for (event, params, target) in [
                ("py-evacuate", #"{"state":"on","message":"Evacuate"}"#, #"{"kind":"all"}"#),
                ("py-floor", #"{"state":"on","message":"Floor only"}"#, #"{"kind":"group","id":"\#(group)"}"#),
                ("py-clear", #"{"state":"off"}"#, #"{"kind":"all"}"#),
            ] {
                let created = try await gateway.admin(
                    .post, "actions",
                    #"{"event_id":"\#(event)","function":"emergency","params":\#(params),"target":\#(target)}"#)
                try #require(created.status == .created, "\(created.text)")
            }
            let key = try await gateway.createKey().secret
            let (process, log) = try PythonDeviceTests.start(id: device, port: broker.port)
            defer {
                process.terminate()
                try? FileManager.default.removeItem(at: log)
            }
            func reported(_ active: Bool, _ message: String?) async throws {
                let expected: JSONValue = .object([
                    "active": .bool(active), "message": message.map(JSONValue.string) ?? .null,
                ])
                try await withTimeout(.seconds(60), "reported emergency \(active) \(message ?? "nil")") {
                    while try await gateway.admin(.get, "devices/\(device)")["reported_state"]?.field("emergency")
                        != expected
                    {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
            }
            try await reported(false, nil)
            func trigger(_ event: String) async throws {
                let answer = try await gateway.postWebhook(
                    key: key, body: #"{"event_id":"\#(event)"}"#, query: "wait=30")
                #expect(answer["totals"]?.field("ok") == .number(1), "\(event): \(answer.text)")
            }
            try await trigger("py-evacuate")
            try await reported(true, "Evacuate")
            // The most specific scope that is on gives the message.
            try await trigger("py-floor")
            try await reported(true, "Floor only")
            // Leaving the group drops its state: the broadcast's message shows again, without a command.
            #expect(try await gateway.admin(.delete, "groups/\(group)/members/\(device)").status == .ok)
            try await reported(true, "Evacuate")
            try await trigger("py-clear")
            try await reported(false, nil)
            #expect(PythonDeviceTests.output(log).contains("emergency on Floor only"))
        }
        withExtendedLifetime(broker) {}
    }
}
