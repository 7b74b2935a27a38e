import Foundation
import HookcastProtocol
import Testing

/// Keys limited to some events and keys that expire, through the webhook and the admin API, in process: what
/// matters is what is refused, and that a refusal stores no command.
@Suite("Scoped keys: a key limited to its events, and a key that expires")
struct ScopedKeyTests {
    static func action(_ event: String) -> String {
        #"{"event_id":"\#(event)","function":"refresh_content","target":{"kind":"all"}}"#
    }

    @Test("A scoped key triggers its events; another event, known or not, is 403 naming why, and nothing is sent")
    func outsideTheScope() async throws {
        try await InProcessGateway.run { gateway in
            for event in ["quake", "fire", "door"] { _ = try await gateway.admin(.post, "actions", Self.action(event)) }
            let created = try await gateway.admin(
                .post, "keys", #"{"name":"quake line","event_ids":["quake","fire","quake"]}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created["event_ids"] == .array([.string("quake"), .string("fire")]))
            #expect(created["expires_at"] == .null)
            let secret = try #require(created.string("key"))

            let allowed = try await gateway.postWebhook(key: secret, body: #"{"event_id":"quake"}"#)
            #expect(allowed.status == .ok, "\(allowed.text)")
            for event in ["door", "unknown-event"] {
                let refused = try await gateway.postWebhook(key: secret, body: #"{"event_id":"\#(event)"}"#)
                #expect(refused.status == .forbidden, "\(refused.text)")
                #expect(refused.errorCode == "event_not_in_key_scope")
                #expect(refused.string("message") == "Error")
                #expect(refused.string("detail")?.contains("'\(event)' is not one of them") == true, "\(refused.text)")
                #expect(refused.text.contains(secret) == false)
            }
            let get = try await gateway.request(
                .get, "/public-api/integration/webhooks?apiKey=\(secret)&eventId=door")
            #expect(get.status == .forbidden, "\(get.text)")
            let commands = try await gateway.admin(.get, "commands")
            #expect(commands["items"]?.arrayItems?.count == 1, "\(commands.text)")

            // Every event again: the same key triggers door.
            let id = try #require(created.string("id"))
            let widened = try await gateway.admin(.patch, "keys/\(id)", #"{"event_ids":null}"#)
            #expect(widened["event_ids"] == .null, "\(widened.text)")
            #expect(try await gateway.postWebhook(key: secret, body: #"{"event_id":"door"}"#).status == .ok)
        }
    }

    @Test("A key past its expiry is 403 key_expired for every event; clearing the expiry lets it in again")
    func expired() async throws {
        try await InProcessGateway.run { gateway in
            _ = try await gateway.admin(.post, "actions", Self.action("quake"))
            let key = try await gateway.createKey()
            #expect(try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"quake"}"#).status == .ok)

            // An admin stops a key by moving its expiry into the past.
            let stopped = try await gateway.admin(.patch, "keys/\(key.id)", #"{"expires_at":"2020-01-01T00:00:00Z"}"#)
            #expect(stopped["expires_at"] == .string("2020-01-01T00:00:00.000Z"), "\(stopped.text)")
            let refused = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"quake"}"#)
            #expect(refused.status == .forbidden, "\(refused.text)")
            #expect(refused.errorCode == "key_expired")
            #expect(refused.string("detail")?.contains("2020-01-01T00:00:00.000Z") == true)

            let future = try await gateway.admin(.patch, "keys/\(key.id)", #"{"expires_at":"2999-01-01T00:00:00Z"}"#)
            #expect(future.status == .ok, "\(future.text)")
            #expect(try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"quake"}"#).status == .ok)
            let never = try await gateway.admin(.patch, "keys/\(key.id)", #"{"expires_at":null}"#)
            #expect(never["expires_at"] == .null)
        }
    }

    @Test("A scope or expiry the API cannot use is 422 naming the field, and the key is left as it was")
    func invalidScopes() async throws {
        try await InProcessGateway.run { gateway in
            let cases: [(String, String)] = [
                (#"{"name":"k","event_ids":[]}"#, "invalid_event_ids"),
                (#"{"name":"k","event_ids":["a/b"]}"#, "invalid_event_ids[0]"),
                (#"{"name":"k","event_ids":"quake"}"#, "invalid_event_ids"),
                (#"{"name":"k","expires_at":"soon"}"#, "invalid_expires_at"),
            ]
            for (body, code) in cases {
                let result = try await gateway.admin(.post, "keys", body)
                #expect(result.status == .unprocessableContent, "\(body): \(result.text)")
                #expect(result.errorCode == code, "\(body): \(result.text)")
            }
            #expect(try await gateway.admin(.get, "keys")["items"] == .array([]))

            let key = try await gateway.createKey()
            let bad = try await gateway.admin(
                .patch, "keys/\(key.id)", #"{"name":"renamed","event_ids":["ok","no/slash"]}"#)
            #expect(bad.errorCode == "invalid_event_ids[1]", "\(bad.text)")
            let unchanged = try await gateway.admin(.get, "keys/\(key.id)")
            #expect(unchanged["name"] == .string("test key"))
            #expect(unchanged["event_ids"] == .null)
        }
    }

    @Test("Generate URL picks a key that may trigger the event")
    func triggerURLPicksAKeyInScope() async throws {
        try await InProcessGateway.run { gateway in
            _ = try await gateway.admin(.post, "actions", Self.action("quake"))
            let other = try await gateway.admin(.post, "keys", #"{"name":"other","event_ids":["fire"]}"#)
            let none = try await gateway.admin(.get, "actions/quake/trigger-url")
            #expect(none.status == .conflict, "\(none.text)")
            let fitting = try await gateway.admin(.post, "keys", #"{"name":"fitting","event_ids":["quake"]}"#)
            let url = try await gateway.admin(.get, "actions/quake/trigger-url")
            #expect(url.string("key_id") == fitting.string("id"), "\(url.text)")
            #expect(url.string("key_id") != other.string("id"))
        }
    }
}
