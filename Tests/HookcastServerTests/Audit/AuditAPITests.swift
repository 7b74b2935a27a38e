import Foundation
import HTTPTypes
import HookcastProtocol
import Testing

/// `GET /api/v1/audit` in process: what triggers, admin changes and cancels record, that no secret is in it, and
/// that a bad query is refused without changing anything.
@Suite("The audit log through the admin API")
struct AuditAPITests {
    /// The audit page for `query`, waiting (webhook entries are written behind the answer) until `until` holds.
    static func audit(
        _ gateway: GatewayClient, _ query: String = "", until: @escaping @Sendable ([JSONValue]) -> Bool = { _ in true }
    ) async throws -> HTTPResult {
        for _ in 0..<200 {
            let page = try await gateway.admin(.get, "audit" + (query.isEmpty ? "" : "?\(query)"))
            if page.status != .ok || until(page["items"]?.arrayItems ?? []) { return page }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the audit log never showed what was expected")
        return try await gateway.admin(.get, "audit" + (query.isEmpty ? "" : "?\(query)"))
    }

    @Test("A trigger records the key by id and name, the address, the event, the command and the answer")
    func trigger() async throws {
        try await InProcessGateway.run { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"lobby"}"#)
            _ = try await gateway.admin(
                .post, "actions", #"{"event_id":"drill","function":"refresh_content","target":{"kind":"all"}}"#)
            let key = try await gateway.createKey(name: "sensor hub")
            let answer = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"drill"}"#)
            let commandID = try #require(answer.string("command_id"))
            let refused = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"nope"}"#)
            #expect(refused.status == .notFound)

            let page = try await Self.audit(gateway, "kind=trigger") { $0.count == 2 }
            let items = try #require(page["items"]?.arrayItems)
            #expect(items.count == 2, "\(page.text)")
            let (failed, ok) = (items[0], items[1])  // newest first
            #expect(ok.field("kind") == .string("trigger"))
            #expect(ok.field("actor")?.field("type") == .string("api_key"))
            #expect(ok.field("actor")?.field("id") == .string(key.id))
            #expect(ok.field("actor")?.field("name") == .string("sensor hub"))
            #expect(ok.field("event_id") == .string("drill"))
            #expect(ok.field("command_ids") == .array([.string(commandID)]))
            #expect(ok.field("status") == .number(200))
            #expect(ok.field("error") == .null)
            #expect(ok.field("remote_address") == .string("unknown"))  // in process there is no peer
            #expect(failed.field("event_id") == .string("nope"))
            #expect(failed.field("status") == .number(404))
            #expect(failed.field("error") == .string("unknown_event"))
            #expect(failed.field("command_ids") == .array([]))
            #expect(!page.text.contains(key.secret))
        }
    }

    @Test("Calls with no valid key are folded into one entry per minute and error, never one row each")
    func unidentified() async throws {
        try await InProcessGateway.run { gateway in
            let firstCall = Date()
            for index in 0..<25 {
                let answer = try await gateway.postWebhook(key: "hk_wrong_\(index)", body: #"{"event_id":"x"}"#)
                #expect(answer.status == .unauthorized)
            }
            _ = try await gateway.postWebhook(key: nil, body: #"{"event_id":"x"}"#)
            let lastCall = Date()
            // The sums are written when their minute ends; nothing is written one call at a time meanwhile.
            try await Task.sleep(for: .milliseconds(100))
            let page = try await gateway.admin(.get, "audit?kind=trigger")
            let items = try #require(page["items"]?.arrayItems)
            #expect(!page.text.contains("hk_wrong"))
            let lastMinute = Self.minute(of: lastCall)
            if Self.minute(of: firstCall) == lastMinute {
                #expect(items.isEmpty, "\(page.text)")
                return
            }
            // The calls straddled the turn of a minute (a loaded machine can take its time), and the gateway may
            // have written the sums of the minute that ended: only sums, of ended minutes, one per error code.
            var slots = Set<String>()
            var counted = 0.0
            for item in items {
                #expect(item.field("actor")?.field("type") == .string("unidentified"), "\(page.text)")
                let at = try #require(item.field("at")?.auditText.flatMap(JSONCoding.date(fromTimestamp:)))
                #expect(Self.minute(of: at) < lastMinute, "\(page.text)")
                let slot = "\(Self.minute(of: at)) \(item.field("error")?.auditText ?? "")"
                let firstOfItsSlot = slots.insert(slot).inserted
                #expect(firstOfItsSlot, "\(page.text)")
                if case .number(let count) = item.field("count") { counted += count }
            }
            #expect(counted < 26, "\(page.text)")
        }
    }

    private static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }

    @Test("An admin change records who, what, and the before and after, with no secret on either side")
    func adminChange() async throws {
        try await InProcessGateway.run { gateway in
            let key = try await gateway.createKey(name: "before")
            let renamed = try await gateway.admin(
                .patch, "keys/\(key.id)", #"{"name":"after","require_signature":true}"#)
            #expect(renamed.status == .ok)
            let signingSecret = try #require(renamed.string("signing_secret"))
            let revealed = try await gateway.admin(.get, "keys/\(key.id)/reveal")
            #expect(revealed.string("key") == key.secret)
            _ = try await gateway.admin(.post, "devices", #"{"id":"d1","name":"One"}"#)
            _ = try await gateway.admin(.post, "groups", #"{"id":"lobby"}"#)
            _ = try await gateway.admin(.put, "groups/lobby/members/d1")

            let page = try await Self.audit(gateway, "kind=admin")
            let items = try #require(page["items"]?.arrayItems)
            let operations = items.map {
                "\($0.field("resource")?.auditText ?? "")/\($0.field("operation")?.auditText ?? "")"
            }
            #expect(
                operations == [
                    "group/add_member", "group/create", "device/create", "key/reveal", "key/update", "key/create",
                ])
            let update = items[4]
            #expect(update.field("actor")?.field("type") == .string("admin_token"))
            #expect(update.field("resource_id") == .string(key.id))
            #expect(update.field("before")?.field("name") == .string("before"))
            #expect(update.field("after")?.field("name") == .string("after"))
            #expect(update.field("after")?.field("require_signature") == .bool(true))
            #expect(update.field("after")?.field("masked_key") != nil)
            #expect(items[0].field("before")?.field("members") == .array([]))
            #expect(items[0].field("after")?.field("members") == .array([.string("d1")]))
            for secret in [key.secret, signingSecret, GatewayHarness.adminToken] {
                #expect(!page.text.contains(secret), "the audit log shows a secret")
            }
            for field in ["secret_hash", "encrypted", "mqtt_password"] { #expect(!page.text.contains(field)) }
        }
    }

    @Test("A console session is named by a digest of its id, never by the cookie")
    func consoleActor() async throws {
        try await InProcessGateway.run { gateway in
            let signIn = try await gateway.request(
                .post, "/api/v1/session", headers: [.contentType: "application/json"],
                body: #"{"token":"\#(GatewayHarness.adminToken)"}"#)
            let cookie = String(try #require(signIn.headers[.setCookie]?.split(separator: ";").first))
            let csrf = try #require(signIn.string("csrf_token"))
            let created = try await gateway.request(
                .post, "/api/v1/devices",
                headers: [
                    .cookie: cookie, .contentType: "application/json", HTTPField.Name("x-csrf-token")!: csrf,
                    .origin: "http://hookcast.test",
                ],
                body: #"{"id":"c1"}"#)
            #expect(created.status == .created, "\(created.text)")
            let page = try await Self.audit(gateway, "kind=admin")
            let actor = try #require(page["items"]?.arrayItems?.first?.field("actor"))
            #expect(actor.field("type") == .string("console"))
            let id = try #require(actor.field("id")?.auditText)
            #expect(id.count == 16)
            let sessionID = String(cookie.split(separator: "=", maxSplits: 1).last ?? "")
            #expect(!sessionID.isEmpty && !page.text.contains(sessionID))
            #expect(!page.text.contains(csrf))
            // Signing in and out are recorded too, by the same session.
            let signedOut = try await gateway.request(
                .delete, "/api/v1/session",
                headers: [.cookie: cookie, HTTPField.Name("x-csrf-token")!: csrf, .origin: "http://hookcast.test"])
            #expect(signedOut.status == .noContent, "\(signedOut.text)")
            let sessions = try #require(try await Self.audit(gateway, "kind=admin")["items"]?.arrayItems).filter {
                $0.field("resource") == .string("session")
            }
            #expect(sessions.map { $0.field("operation") } == [.string("sign_out"), .string("sign_in")])
            #expect(sessions.allSatisfy { $0.field("actor")?.field("id")?.auditText == id })
        }
    }

    @Test("A cancel records the command, before and after")
    func cancel() async throws {
        try await InProcessGateway.run { gateway in
            _ = try await gateway.admin(.post, "devices", #"{"id":"c1"}"#)
            _ = try await gateway.admin(
                .post, "actions", #"{"event_id":"drill","function":"refresh_content","target":{"kind":"all"}}"#)
            let key = try await gateway.createKey().secret
            let id = try #require(
                try await gateway.postWebhook(key: key, body: #"{"event_id":"drill"}"#).string("command_id"))
            #expect(try await gateway.admin(.post, "commands/\(id)/cancel").status == .ok)
            let page = try await Self.audit(gateway, "kind=cancel")
            let entry = try #require(page["items"]?.arrayItems?.first)
            #expect(page["items"]?.arrayItems?.count == 1)
            #expect(entry.field("kind") == .string("cancel"))
            #expect(entry.field("resource") == .string("command"))
            #expect(entry.field("resource_id") == .string(id))
            #expect(entry.field("command_ids") == .array([.string(id)]))
            #expect(entry.field("before")?.field("cancelled_at") == nil)
            #expect(entry.field("after")?.field("cancelled_at")?.auditText != nil)
        }
    }

    @Test("Pages follow next_before to the end, newest first, without repeats")
    func paging() async throws {
        try await InProcessGateway.run { gateway in
            for index in 0..<7 { _ = try await gateway.admin(.post, "devices", #"{"id":"p\#(index)"}"#) }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await gateway.admin(.get, "audit?limit=3" + (cursor.map { "&before=\($0)" } ?? ""))
                #expect(page.status == .ok)
                let items = page["items"]?.arrayItems ?? []
                #expect(items.count <= 3)
                seen += items.compactMap { $0.field("resource_id")?.auditText }
                cursor = page.string("next_before")
            } while cursor != nil
            #expect(seen == (0..<7).reversed().map { "p\($0)" })
        }
    }

    @Test(
        "A bad limit, cursor or kind is 400 in the error shape",
        arguments: [
            ("limit=0", "invalid_limit"), ("limit=501", "invalid_limit"), ("limit=ten", "invalid_limit"),
            ("before=yesterday", "invalid_before"), ("kind=everything", "invalid_kind"), ("kind=", "invalid_kind"),
        ])
    func badQuery(query: String, code: String) async throws {
        try await InProcessGateway.run { gateway in
            let answer = try await gateway.admin(.get, "audit?\(query)")
            #expect(answer.status == .badRequest)
            #expect(answer.string("message") == "Error")
            #expect(answer.errorCode == code)
            #expect(answer.string("detail")?.isEmpty == false)
            let unauthenticated = try await gateway.request(.get, "/api/v1/audit")
            #expect(unauthenticated.status == .unauthorized)
        }
    }
}

extension JSONValue {
    /// The string, when this is one.
    fileprivate var auditText: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
