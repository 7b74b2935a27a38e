import Foundation
import HookcastProtocol
import Testing

/// An action whose parameters come from the webhook's body, through the HTTP API in process.
@Suite("Values from the call: templated parameters filled from the webhook's body")
struct ValuesFromTheCallTests {
    static let toast =
        #"{"event_id":"notice","function":"show_toast","params":{"message":"{{message}}","duration_seconds":"{{duration_seconds}}","level":"warning"},"target":{"kind":"all"}}"#

    @Test("The command carries the call's values; the action keeps its templates")
    func filled() async throws {
        try await InProcessGateway.run { gateway in
            let created = try await gateway.admin(.post, "actions", Self.toast)
            #expect(created.status == .created, "\(created.text)")
            #expect(created["params"]?.field("message") == .string("{{message}}"))
            let key = try await gateway.createKey().secret
            let answer = try await gateway.postWebhook(
                key: key, body: #"{"event_id":"notice","message":"Lunch is served","duration_seconds":45}"#)
            #expect(answer.status == .ok, "\(answer.text)")
            let id = try #require(answer.string("command_id"))
            let command = try await gateway.admin(.get, "commands/\(id)")
            #expect(
                command["params"]
                    == .object([
                        "message": .string("Lunch is served"), "duration_seconds": .number(45),
                        "level": .string("warning"),
                    ]), "\(command.text)")
            #expect(try await gateway.admin(.get, "actions/notice")["params"] == created["params"])

            // The GET form's Base64 payload carries the values too.
            let payload = Data(#"{"event_id":"notice","message":"By GET","duration_seconds":"5"}"#.utf8)
                .base64EncodedString()
            let get = try await gateway.request(
                .get,
                "/public-api/integration/webhooks?apiKey=\(key)&payload=\(payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            )
            #expect(get.status == .ok, "\(get.text)")
        }
    }

    @Test("A value that is missing or does not fit is 422 naming the body's field, and no command is stored")
    func unfit() async throws {
        try await InProcessGateway.run { gateway in
            _ = try await gateway.admin(.post, "actions", Self.toast)
            let key = try await gateway.createKey().secret
            let cases: [(String, String)] = [
                (#"{"event_id":"notice","duration_seconds":45}"#, "invalid_message"),
                (#"{"event_id":"notice","message":"m","duration_seconds":0}"#, "invalid_duration_seconds"),
                (#"{"event_id":"notice","message":"m","duration_seconds":"later"}"#, "invalid_duration_seconds"),
                (#"{"event_id":"notice","message":{"nested":1},"duration_seconds":45}"#, "invalid_message"),
            ]
            for (body, code) in cases {
                let refused = try await gateway.postWebhook(key: key, body: body)
                #expect(refused.status == .unprocessableContent, "\(body): \(refused.text)")
                #expect(refused.errorCode == code, "\(body): \(refused.text)")
                #expect(refused.string("message") == "Error")
            }
            let commands = try await gateway.admin(.get, "commands")
            #expect(commands["items"]?.arrayItems?.isEmpty == true, "\(commands.text)")
            // The older GET form has no body: the action cannot be filled, and says from what (the first missing
            // value by parameter name).
            let older = try await gateway.request(.get, "/public-api/integration/webhooks?apiKey=\(key)&eventId=notice")
            #expect(older.errorCode == "invalid_duration_seconds", "\(older.text)")
        }
    }

    @Test("A template that is not one, or fills another function's field, is refused when the action is saved")
    func refusedWhenSaved() async throws {
        try await InProcessGateway.run { gateway in
            let cases: [(String, String)] = [
                (
                    #"{"event_id":"a","function":"show_toast","params":{"message":"{{message"},"target":{"kind":"all"}}"#,
                    "invalid_params_message"
                ),
                (
                    #"{"event_id":"a","function":"load_url","params":{"url":"{{u}}","message":"{{m}}"},"target":{"kind":"all"}}"#,
                    "invalid_params_message"
                ),
            ]
            for (body, code) in cases {
                let refused = try await gateway.admin(.post, "actions", body)
                #expect(refused.status == .unprocessableContent, "\(refused.text)")
                #expect(refused.errorCode == code, "\(refused.text)")
            }
            #expect(try await gateway.admin(.get, "actions")["items"] == .array([]))
        }
    }

    @Test("Test action fills the templates from the body it is given")
    func testAction() async throws {
        try await InProcessGateway.run { gateway in
            _ = try await gateway.admin(.post, "actions", Self.toast)
            let missing = try await gateway.admin(.post, "actions/notice/test", #"{"duration_seconds":3}"#)
            #expect(missing.errorCode == "invalid_message", "\(missing.text)")
            let ran = try await gateway.admin(.post, "actions/notice/test", #"{"message":"Test","duration_seconds":3}"#)
            #expect(ran.status == .ok, "\(ran.text)")
        }
    }
}
