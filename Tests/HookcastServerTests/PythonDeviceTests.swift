import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

/// The device protocol as an outsider reads it: `docs/examples/python_device.py` was written from docs/protocol.md
/// alone, with paho-mqtt, and must work with the gateway: on the open broker, on the locked-down one over TLS with
/// its password, and through the latched emergency state.
@Suite("A Python device written from docs/protocol.md")
struct PythonDeviceTests {
    static func start(
        id: String, port: Int, failFunction: String? = nil, passwordFile: URL? = nil, tlsCA: URL? = nil,
        topics: Topics = testTopics
    ) throws -> (ChildProcess, URL) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("python-device-\(id).log")
        let script = RepositoryFiles.root.appendingPathComponent("docs/examples/python_device.py").path
        var arguments = [script, "--port", String(port), "--id", id, "--topic-prefix", topics.root]
        if let failFunction { arguments += ["--fail-function", failFunction] }
        if let passwordFile { arguments += ["--password-file", passwordFile.path] }
        // The CA's broker certificate names 127.0.0.1, the address the device connects to: its name is checked.
        if let tlsCA { arguments += ["--tls-ca", tlsCA.path] }
        let process = try ChildProcess(
            executable: "/usr/bin/python3", arguments: arguments, directory: RepositoryFiles.root, logFile: log)
        return (process, log)
    }

    static func output(_ log: URL) -> String {
        (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }

    static func waitForLine(_ line: String, in log: URL) async throws {
        try await withTimeout(.seconds(60), "the python device printed \(line)") {
            while !output(log).contains(line) { try await Task.sleep(for: .milliseconds(50)) }
        }
    }

    @Test("It receives device, group and tag commands, acknowledges them, and reports presence")
    func interoperates() async throws {
        let device = "py-\(UUID().uuidString.prefix(8))"
        let group = "pyg-\(UUID().uuidString.prefix(8))"
        // A space and a slash: the topic level is percent-encoded, as protocol.md says.
        let tag = "Py Lobby/\(UUID().uuidString.prefix(8))"
        let (process, log) = try Self.start(id: device, port: try SharedBroker.port, failFunction: "restart_device")
        defer {
            process.terminate()
            try? FileManager.default.removeItem(at: log)
        }
        try await GatewayHarness.run { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)","tags":["\#(tag)"]}"#)
            _ = try await gateway.admin(.post, "groups", #"{"id":"\#(group)","members":["\#(device)"]}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"py-direct","function":"load_url","params":{"url":"https://example.com"},"target":{"kind":"device","id":"\#(device)"}}"#
            )
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"py-group","function":"pause_loop","target":{"kind":"group","id":"\#(group)"}}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"py-restart","function":"restart_device","target":{"kind":"device","id":"\#(device)"}}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"py-toast","function":"show_toast","params":{"message":"Coffee is ready","level":"warning","duration_seconds":30},"target":{"kind":"device","id":"\#(device)"}}"#
            )
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"py-snooze","function":"snooze_device","target":{"kind":"group","id":"\#(group)"}}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"py-wake","function":"wake_device","target":{"kind":"all"}}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"py-tag","function":"resume_loop","target":{"kind":"tag","tags":["\#(tag)","py-nobody"]}}"#
            )
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"py-tag-all","function":"show_toast","params":{"message":"not for this device"},"target":{"kind":"tag","tags":["\#(tag)","py-nobody"],"match":"all"}}"#
            )
            let key = try await gateway.createKey().secret
            try await withTimeout(.seconds(10), "python device online") {
                while try await gateway.admin(.get, "devices/\(device)")["online"] != .bool(true) {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            for event in ["py-direct", "py-group", "py-tag", "py-toast", "py-snooze", "py-wake"] {
                let answer = try await gateway.postWebhook(
                    key: key, body: #"{"event_id":"\#(event)"}"#, query: "wait=30")
                #expect(answer["complete"] == .bool(true), "\(event): \(answer.text)")
                #expect(answer["totals"]?.field("ok") == .number(1), "\(event): \(answer.text)")
            }
            // Its one tag is not both: it is not expected and ignores the command it hears on the tag's topic.
            let none = try await gateway.postWebhook(key: key, body: #"{"event_id":"py-tag-all"}"#, query: "wait=2")
            #expect(none["targets"] == .number(0), "\(none.text)")
            // A command to the python device and one that never connects: cancelled once the python device answered,
            // it gets a cancel_command for a command it already ran.
            let ghost = "ghost-\(UUID().uuidString.prefix(8))"
            _ = try await gateway.admin(.post, "devices", #"{"id":"\#(ghost)"}"#)
            _ = try await gateway.admin(
                .post, "groups", #"{"id":"\#(group)-c","members":["\#(device)","\#(ghost)"]}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"py-cancel","function":"refresh_content","target":{"kind":"group","id":"\#(group)-c"}}"#)
            let cancelable = try await gateway.postWebhook(key: key, body: #"{"event_id":"py-cancel"}"#)
            let cancelID = try #require(cancelable.string("command_id"), "\(cancelable.text)")
            try await withTimeout(.seconds(10), "the python device's answer") {
                while try await gateway.admin(.get, "commands/\(cancelID)")["totals"]?.field("ok") != .number(1) {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let cancelled = try await gateway.admin(.post, "commands/\(cancelID)/cancel")
            #expect(cancelled["totals"]?.field("cancelled") == .number(1), "\(cancelled.text)")
            try await withTimeout(.seconds(10), "the python device's cancel line") {
                while !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains(
                    "cancel \(cancelID) already handled")
                {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let failed = try await gateway.postWebhook(key: key, body: #"{"event_id":"py-restart"}"#, query: "wait=30")
            #expect(failed["totals"]?.field("failed") == .number(1), "\(failed.text)")
            let id = try #require(failed.string("command_id"))
            let status = try await gateway.admin(.get, "commands/\(id)")
            #expect(status.text.contains("configured to fail"))
        }
        await process.stop()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(output.contains("executed load_url"))
        #expect(output.contains("executed pause_loop"))
        #expect(output.contains("executed resume_loop"))
        #expect(!output.contains("not for this device"), "a tag target that does not select it is ignored")
        #expect(output.contains("toast warning 30 Coffee is ready"))
        #expect(output.contains("snoozed until woken"))
        #expect(output.contains("screen on"))
    }
}
