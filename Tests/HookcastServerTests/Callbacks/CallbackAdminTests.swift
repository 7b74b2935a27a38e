import Foundation
import HookcastCore
import HookcastProtocol
import Testing

@testable import HookcastServer

/// `callback_url` on actions and keys through the admin API, in process: which URL a call's report goes to, what
/// is refused, and that a callback's secret is shown once and never again.
@Suite("Callback URLs in the admin API")
struct CallbackAdminTests {
    /// Nothing listens on port 9 here: the reports queue and fail to send, which is all these tests look at.
    static let keyURL = "http://127.0.0.1:9/key-reports"
    static let actionURL = "https://127.0.0.1:9/action-reports"

    @Test("The action's callback wins over its key's; a key's serves actions without one")
    func actionOverridesKey() async throws {
        try await InProcessGateway.run { gateway in
            let key = try await gateway.admin(.post, "keys", #"{"name":"reporting","callback_url":"\#(Self.keyURL)"}"#)
            #expect(key.status == .created && key.string("callback_url") == Self.keyURL, "\(key.text)")
            let keySecret = try #require(key.string("callback_secret"))
            #expect(keySecret.hasPrefix("whsec_"))
            _ = try await gateway.admin(
                .post, "actions", #"{"event_id":"plain","function":"pause_loop","target":{"kind":"all"}}"#)
            let own = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"own","function":"pause_loop","target":{"kind":"all"},"callback_url":"\#(Self.actionURL)"}"#
            )
            let actionSecret = try #require(own.string("callback_secret"))
            let secret = try #require(key.string("key"))
            _ = try await gateway.postWebhook(key: secret, body: #"{"event_id":"plain"}"#)
            _ = try await gateway.postWebhook(key: secret, body: #"{"event_id":"own"}"#)

            let list = try await gateway.admin(.get, "callbacks")
            let items = try #require(list["items"]?.array)
            // Newest first: the call of "own", then the call of "plain".
            #expect(items.map { $0.field("url") } == [.string(Self.actionURL), .string(Self.keyURL)], "\(list.text)")
            #expect(items.map { $0.field("subject")?.field("event_id") } == [.string("own"), .string("plain")])

            // Shown once: no later answer carries either secret.
            let keyID = try #require(key.string("id"))
            let reportID = try #require(items.first?.field("id")?.string)
            for path in ["keys", "keys/\(keyID)", "actions", "actions/own", "callbacks", "callbacks/\(reportID)"] {
                let answer = try await gateway.admin(.get, path)
                #expect(answer.status == .ok, "\(path)")
                #expect(!answer.text.contains(keySecret) && !answer.text.contains(actionSecret), "\(path)")
                #expect(!answer.text.contains("whsec_"), "\(path)")
            }
        }
    }

    @Test(
        "A callback_url that is not http(s), carries a password or is too long is refused with 422, storing nothing",
        arguments: [
            "ftp://example.com/r", "https://user:pw@example.com/r", "not a url", "https:///nohost",
            "https://example.com/" + String(repeating: "a", count: 2048),
        ])
    func badURLRefused(url: String) async throws {
        try await InProcessGateway.run { gateway in
            let action = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"bad","function":"pause_loop","target":{"kind":"all"},"callback_url":"\#(url)"}"#)
            #expect(
                action.status == .unprocessableContent && action.errorCode == "invalid_callback_url", "\(action.text)")
            #expect(try await gateway.admin(.get, "actions/bad").status == .notFound)

            let key = try await gateway.admin(.post, "keys", #"{"name":"bad","callback_url":"\#(url)"}"#)
            #expect(key.status == .unprocessableContent && key.errorCode == "invalid_callback_url")
            #expect(try await gateway.admin(.get, "keys")["items"] == .array([]))

            let good = try await gateway.admin(.post, "keys", #"{"name":"good"}"#)
            let id = try #require(good.string("id"))
            let patched = try await gateway.admin(.patch, "keys/\(id)", #"{"name":"renamed","callback_url":"\#(url)"}"#)
            #expect(patched.status == .unprocessableContent && patched.errorCode == "invalid_callback_url")
            let after = try await gateway.admin(.get, "keys/\(id)")
            #expect(after.string("name") == "good" && after["callback_url"] == .null)
        }
    }

    @Test("Changing the URL keeps the secret; rotating shows a new one; null removes the callback")
    func secretKeptRotatedAndCleared() async throws {
        try await InProcessGateway.run { gateway in
            let created = try await gateway.admin(.post, "keys", #"{"name":"k","callback_url":"\#(Self.keyURL)"}"#)
            let id = try #require(created.string("id"))
            let moved = try await gateway.admin(.patch, "keys/\(id)", #"{"callback_url":"\#(Self.actionURL)"}"#)
            #expect(moved.string("callback_url") == Self.actionURL && moved["callback_secret"] == nil)
            let rotated = try await gateway.admin(.patch, "keys/\(id)", #"{"rotate_callback_secret":true}"#)
            let secret = try #require(rotated.string("callback_secret"))
            #expect(secret != created.string("callback_secret"))
            let cleared = try await gateway.admin(.patch, "keys/\(id)", #"{"callback_url":null}"#)
            #expect(cleared["callback_url"] == .null)
            let refused = try await gateway.admin(.patch, "keys/\(id)", #"{"rotate_callback_secret":true}"#)
            #expect(refused.status == .unprocessableContent && refused.errorCode == "invalid_rotate_callback_secret")
        }
    }
}
