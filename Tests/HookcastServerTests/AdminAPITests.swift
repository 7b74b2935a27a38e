import Foundation
import HookcastTestSupport
import Testing

@Suite("The admin API")
struct AdminAPITests {
    @Test("Without the admin token every admin call is refused with 401")
    func requiresToken() async throws {
        try await InProcessGateway.run { gateway in
            for path in ["keys", "devices", "groups", "actions", "commands"] {
                let missing = try await gateway.request(.get, "/api/v1/\(path)")
                #expect(missing.status == .unauthorized)
                #expect(missing.errorCode == "missing_admin_token")
                let wrong = try await gateway.request(.get, "/api/v1/\(path)", headers: [.authorization: "Bearer nope"])
                #expect(wrong.errorCode == "invalid_admin_token")
            }
        }
    }

    @Test("Keys: created with the secret shown once, listed masked, revealed on request, disabled and renamed")
    func keysLifecycle() async throws {
        try await InProcessGateway.run { gateway in
            let key = try await gateway.createKey(name: "siren vendor")
            #expect(key.secret.hasPrefix("hk_"))
            let list = try await gateway.admin(.get, "keys")
            #expect(list.status == .ok)
            #expect(!list.text.contains(key.secret))
            #expect(list.text.contains("siren vendor"))
            let revealed = try await gateway.admin(.get, "keys/\(key.id)/reveal")
            #expect(revealed.string("key") == key.secret)
            let updated = try await gateway.admin(.patch, "keys/\(key.id)", #"{"name":"renamed","enabled":false}"#)
            #expect(updated.string("name") == "renamed")
            #expect(updated["enabled"] == .bool(false))
            #expect(try await gateway.admin(.get, "keys/\(UUID())").status == .notFound)
            #expect(try await gateway.admin(.post, "keys", #"{"name":"  "}"#).errorCode == "invalid_name")
        }
    }

    @Test("Validation failures are 422 naming the field; malformed JSON is 400; nothing is stored")
    func validation() async throws {
        try await InProcessGateway.run { gateway in
            let cases: [(String, String, String, Int, String)] = [
                ("devices", #"{"id":"bad/id"}"#, "device id", 422, "invalid_id"),
                ("devices", #"{"id":"a+b"}"#, "wildcard id", 422, "invalid_id"),
                ("devices", #"{"name":"x"}"#, "missing id", 422, "invalid_id"),
                ("devices", #"{"id":"#, "broken JSON", 400, "invalid_json"),
                ("groups", #"{"id":"g","members":["ghost"]}"#, "unknown member", 422, "invalid_members"),
                ("groups", #"{"id":"g","members":[7]}"#, "mistyped member", 422, "invalid_members[0]"),
                ("devices", #"["d1"]"#, "not an object", 422, "invalid_body"),
                (
                    "actions",
                    #"{"event_id":"e","function":"load_url","params":{"url":"javascript:alert(1)"},"target":{"kind":"all"}}"#,
                    "bad url", 422, "invalid_params"
                ),
                (
                    "actions", #"{"event_id":"e","function":"emergency","target":{"kind":"all"}}"#, "no state", 422,
                    "invalid_params"
                ),
                (
                    "actions", #"{"event_id":"e","function":"fly","target":{"kind":"all"}}"#, "unknown function", 422,
                    "invalid_function"
                ),
                (
                    "actions",
                    #"{"event_id":"e","function":"cancel_command","params":{"command_id":"019aef3c-1e0a-7c3d-8b1a-2f4e5d6c7b8a"},"target":{"kind":"all"}}"#,
                    "the gateway's own function", 422, "invalid_function"
                ),
                (
                    "actions", #"{"event_id":"e","function":"show_toast","target":{"kind":"all"}}"#,
                    "toast without text",
                    422, "invalid_params_message"
                ),
                (
                    "actions",
                    #"{"event_id":"e","function":"show_toast","params":{"message":"m","duration_seconds":86401},"target":{"kind":"all"}}"#,
                    "toast too long", 422, "invalid_params_duration_seconds"
                ),
                (
                    "actions",
                    #"{"event_id":"e","function":"show_toast","params":{"message":"m","level":"loud"},"target":{"kind":"all"}}"#,
                    "unknown level", 422, "invalid_params_level"
                ),
                (
                    "actions",
                    #"{"event_id":"e","function":"snooze_device","params":{"until":"tomorrow"},"target":{"kind":"all"}}"#,
                    "unreadable until", 422, "invalid_params_until"
                ),
                (
                    "actions",
                    #"{"event_id":"e","function":"wake_device","params":{"duration_seconds":5},"target":{"kind":"all"}}"#,
                    "wake with a duration", 422, "invalid_params_duration_seconds"
                ),
                (
                    "actions", #"{"event_id":"e","function":"refresh_content","target":{"kind":"planet"}}"#,
                    "bad target", 422, "invalid_target"
                ),
                (
                    "actions",
                    #"{"event_id":"e","function":"refresh_content","target":{"kind":"all"},"ttl_seconds":0}"#, "ttl",
                    422, "invalid_ttl_seconds"
                ),
            ]
            for (path, body, name, status, code) in cases {
                let result = try await gateway.admin(.post, path, body)
                #expect(result.status.code == status, "\(name): \(result.text)")
                #expect(result.errorCode?.hasPrefix(code) == true, "\(name): \(result.text)")
            }
            #expect(try await gateway.admin(.get, "devices").json == .object(["items": .array([])]))
            #expect(try await gateway.admin(.get, "groups").json == .object(["items": .array([])]))
            #expect(try await gateway.admin(.get, "actions").json == .object(["items": .array([])]))
        }
    }

    @Test("Toast and snooze actions are stored with their parameters, a snooze's end in UTC with milliseconds")
    func toastAndSnoozeActions() async throws {
        try await InProcessGateway.run { gateway in
            let toast = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"lunch","function":"show_toast","params":{"message":"Lunch","duration_seconds":60,"level":"warning"},"target":{"kind":"all"}}"#
            )
            #expect(toast.status == .created, "\(toast.text)")
            #expect(
                toast["params"]
                    == .object([
                        "message": .string("Lunch"), "duration_seconds": .number(60), "level": .string("warning"),
                    ]))
            let snooze = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"night","function":"snooze_device","params":{"until":"2030-01-01T07:00:00+01:00"},"target":{"kind":"all"}}"#
            )
            #expect(snooze.status == .created, "\(snooze.text)")
            #expect(snooze["params"] == .object(["until": .string("2030-01-01T06:00:00.000Z")]))
            let wake = try await gateway.admin(
                .post, "actions", #"{"event_id":"morning","function":"wake_device","target":{"kind":"all"}}"#)
            #expect(wake.status == .created, "\(wake.text)")
        }
    }

    @Test("Generate URL gives a GET trigger URL that works as it is, and a curl line for POST")
    func triggerURL() async throws {
        try await InProcessGateway.run { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"screen"}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"go","function":"refresh_content","target":{"kind":"device","id":"screen"}}"#)
            let none = try await gateway.admin(.get, "actions/go/trigger-url")
            #expect(none.status == .conflict)
            let key = try await gateway.createKey()
            let generated = try await gateway.admin(.get, "actions/go/trigger-url")
            let url = try #require(generated.string("url"))
            #expect(url.hasPrefix("http://hookcast.test/public-api/integration/webhooks?apiKey=\(key.secret)&payload="))
            #expect(generated.string("curl")?.contains("x-webhook-apikey: \(key.secret)") == true)
            #expect(generated.string("key_id") == key.id)
            let pathAndQuery = String(url.dropFirst("http://hookcast.test".count))
            let triggered = try await gateway.request(.get, pathAndQuery)
            #expect(triggered.status == .ok, "\(triggered.text)")
        }
    }

    @Test("Test action runs the action without a key, even while its webhook is disabled")
    func testAction() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"drill","function":"emergency","params":{"state":"on"},"enabled":false,"target":{"kind":"all"}}"#
            )
            let result = try await gateway.admin(.post, "actions/drill/test")
            #expect(result.status == .ok, "\(result.text)")
            let command = try await gateway.admin(.get, "commands/\(try #require(result.string("command_id")))")
            #expect(command.string("source") == "test")
            #expect(command["api_key_id"] == nil || command["api_key_id"] == .null)
            // The command to every device, then the latched state, retained on the state topic.
            #expect(
                parts.broker.publishes.map(\.topic) == [
                    "\(testTopics.root)/all/commands", "\(testTopics.root)/state/emergency/all",
                ])
            #expect(parts.broker.publishes.map(\.retain) == [false, true])
        }
    }

    @Test("After a restart on the same data directory, keys, devices, groups, actions and commands are all there")
    func survivesRestart() async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = SendableBox<String>()
        try await GatewayHarness.run(dataDirectory: directory) { gateway in
            let key = try await gateway.createKey()
            secret.value = key.secret
            _ = try await gateway.admin(.post, "devices", #"{"id":"keep","tags":["t"]}"#)
            _ = try await gateway.admin(.post, "groups", #"{"id":"keepers","members":["keep"]}"#)
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"kept","function":"pause_loop","target":{"kind":"group","id":"keepers"}}"#)
            #expect(try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"kept"}"#).status == .ok)
        }
        try await GatewayHarness.run(dataDirectory: directory) { gateway in
            #expect(try await gateway.admin(.get, "devices/keep").status == .ok)
            #expect(try await gateway.admin(.get, "groups/keepers")["members"] == .array([.string("keep")]))
            #expect(try await gateway.admin(.get, "actions/kept").status == .ok)
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(1))
            let again = try await gateway.postWebhook(key: secret.value ?? "", body: #"{"event_id":"kept"}"#)
            #expect(again.status == .ok)
        }
    }
}

/// Carries a value out of a @Sendable test closure.
final class SendableBox<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: written by one test closure and read after it has returned, never concurrently.
    var value: Value?
}
