import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Testing

/// Tag targets end to end on the secure broker: the gateway publishes once per tag, the plugin lets each device hear
/// only its own tags' topics, and the devices run a command once, only when its tags select them.
@Suite("Tag targets on the secure broker")
struct TagTargetTests {
    @Test("any and all reach exactly the tagged devices, once each; a tag change reaches broker and device")
    func tagTargetsReachExactlyTheTaggedDevices() async throws {
        try await SecureGateway.run { gateway, broker in
            let passwords = FileManager.default.temporaryDirectory
                .appendingPathComponent("hookcast-passwords-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: passwords, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: passwords) }
            let configuration = FleetSimulator.Configuration(
                count: 4, idPrefix: "tag-", mqttPort: broker.port, credentials: .perDevice(directory: passwords),
                topics: testTopics)
            let ids = try (0..<4).map { try configuration.deviceID(at: $0).rawValue }
            let tags = [#"["lobby"]"#, #"["lobby","Floor 2"]"#, #"["Floor 2"]"#, "[]"]
            try await SecureGateway.importFleet(
                gateway, rows: zip(ids, tags).map { #"{"id":"\#($0)","tags":\#($1)}"# }, passwordsTo: passwords)
            let fleet = try FleetSimulator(configuration: configuration)
            try await withTimeout(.seconds(60), "4 devices connected") {
                while fleet.statistics.connected < 4 { try await Task.sleep(for: .milliseconds(50)) }
            }
            let key = try await gateway.createKey().secret
            let actions = [
                ("lobby-or-floor", #"{"kind":"tag","tags":["lobby","Floor 2"],"match":"any"}"#),
                ("lobby-and-floor", #"{"kind":"tag","tags":["lobby","Floor 2"],"match":"all"}"#),
                ("floor", #"{"kind":"tag","tags":["Floor 2"]}"#),
            ]
            for (event, target) in actions {
                let created = try await gateway.admin(
                    .post, "actions", #"{"event_id":"\#(event)","function":"refresh_content","target":\#(target)}"#)
                try #require(created.status == .created, "\(created.text)")
            }
            // The devices follow their tags once their retained config arrived: until then a trigger may find a
            // device not yet listening, so each is sent until one is answered by all it expects.
            func triggerUntilAllAnswer(_ event: String, expected: [String]) async throws {
                try await withTimeout(.seconds(60), "\(event) acknowledged by \(expected)") {
                    while true {
                        let answer = try await gateway.postWebhook(
                            key: key, body: #"{"event_id":"\#(event)"}"#, query: "wait=5")
                        try #require(answer.status == .ok, "\(answer.text)")
                        #expect(answer["targets"] == .number(Double(expected.count)), "\(answer.text)")
                        if answer["totals"]?.field("ok") == .number(Double(expected.count)) { return }
                    }
                }
            }
            try await triggerUntilAllAnswer("lobby-or-floor", expected: [ids[0], ids[1], ids[2]])
            try await triggerUntilAllAnswer("lobby-and-floor", expected: [ids[1]])
            let executedBefore = fleet.statistics.commandsExecuted
            let acknowledgedBefore = fleet.statistics.commandsAcknowledged
            try await triggerUntilAllAnswer("lobby-or-floor", expected: [ids[0], ids[1], ids[2]])
            // Device 1 has both tags and hears the command on both topics: it runs and answers it once.
            try await Task.sleep(for: .milliseconds(500))
            #expect(fleet.statistics.commandsExecuted - executedBefore == 3)
            #expect(fleet.statistics.commandsAcknowledged - acknowledgedBefore == 3)

            // A tag given later: the broker lets the device hear the tag and its config tells it to.
            let patched = try await gateway.admin(.patch, "devices/\(ids[3])", #"{"tags":["Floor 2"]}"#)
            try #require(patched.status == .ok, "\(patched.text)")
            try await triggerUntilAllAnswer("floor", expected: [ids[1], ids[2], ids[3]])

            // Two steps, one call: the wait reports each step and the call as a whole.
            let steps = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"two-steps","steps":[{"function":"refresh_content","target":{"kind":"all"}},{"function":"show_toast","params":{"message":"Lobby"},"target":{"kind":"tag","tags":["lobby"]}}]}"#
            )
            try #require(steps.status == .created, "\(steps.text)")
            let answer = try await gateway.postWebhook(key: key, body: #"{"event_id":"two-steps"}"#, query: "wait=30")
            #expect(answer["complete"] == .bool(true), "\(answer.text)")
            #expect(answer["totals"]?.field("ok") == .number(6), "\(answer.text)")
            #expect(answer["steps"]?.arrayItems?.map { $0.field("totals")?.field("ok") } == [.number(4), .number(2)])
            await fleet.stop()
        }
    }

    @Test("A device cannot subscribe to another tag's commands, or to every tag's")
    func devicesHearOnlyTheirOwnTags() async throws {
        try await SecureGateway.run { gateway, broker in
            let created = try await gateway.admin(.post, "devices", #"{"id":"spy-1","tags":["lobby"]}"#)
            try #require(created.status == .created, "\(created.text)")
            let password = try #require(created.string("mqtt_password"))
            let spy = try await MosquittoSubscriber(
                port: broker.port, username: "spy-1", password: password, clientID: "spy-1",
                filters: [
                    testTopics.tagCommands("lobby"), testTopics.tagCommands("vault"),
                    "\(testTopics.root)/tags/+/commands",
                    "\(testTopics.root)/tags/#",
                ])
            #expect(spy.output.contains("135"), "the SUBACK refuses the foreign filters: \(spy.output)")
            let key = try await gateway.createKey().secret
            for (event, tag) in [("vault-tag", "vault"), ("lobby-tag", "lobby")] {
                let action = try await gateway.admin(
                    .post, "actions",
                    #"{"event_id":"\#(event)","function":"refresh_content","target":{"kind":"tag","tags":["\#(tag)"]}}"#
                )
                try #require(action.status == .created, "\(action.text)")
                let answer = try await gateway.postWebhook(key: key, body: #"{"event_id":"\#(event)"}"#)
                try #require(answer["message"] == .string("success"), "\(answer.text)")
            }
            try await spy.waitUntil("the spy receives its own tag's command") {
                $0.contains(testTopics.tagCommands("lobby"))
            }
            try await Task.sleep(for: .seconds(1))
            #expect(spy.receivedTopics == [testTopics.tagCommands("lobby")], "leaked: \(spy.receivedTopics)")
        }
    }
}
