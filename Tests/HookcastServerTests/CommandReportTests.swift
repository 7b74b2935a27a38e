import Foundation
import HTTPTypes
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Testing

/// `report_url`: a caller follows its own command's delivery with the API key it triggered with (issue 22).
@Suite("A command's delivery report, read with the API key that made it")
struct CommandReportTests {
    static func read(_ gateway: GatewayClient, _ url: String, key: String?, headers extra: HTTPFields = [:])
        async throws -> HTTPResult
    {
        var headers = extra
        if let key { headers[HTTPField.Name("x-webhook-apikey")!] = key }
        return try await gateway.request(.get, url, headers: headers)
    }

    @Test("The key that made the command reads its report as devices answer; other keys and callers get 404 or 401")
    func ownerReads() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            try await WebhookContractTests.setUp(gateway)
            let owner = try await gateway.createKey(name: "owner")
            let other = try await gateway.createKey(name: "other")
            let answer = try await gateway.postWebhook(key: owner.secret, body: #"{"event_id":"refresh"}"#)
            let commandID = try #require(answer.string("command_id"))
            let url = try #require(answer.string("report_url"))
            #expect(url == "/public-api/integration/commands/\(commandID)")

            let before = try await Self.read(gateway, url, key: owner.secret)
            #expect(before.status == .ok, "\(before.text)")
            #expect(before.string("id") == commandID)
            #expect(before["complete"] == .bool(false))
            #expect(before["totals"]?.field("pending") == .number(1))
            #expect(!before.text.contains(owner.secret))

            let id = try #require(UUID(uuidString: commandID))
            _ = try await parts.store.deliveries.record([
                AcknowledgementRecord(
                    commandID: id, deviceID: try DeviceID("d1"), state: .ok, detail: nil, executedAt: nil,
                    receivedAt: Date())
            ])
            let after = try await Self.read(gateway, url, key: owner.secret)
            #expect(after["complete"] == .bool(true))
            #expect(after["totals"]?.field("ok") == .number(1))
            #expect(after["devices"]?.array?.first?.field("device_id") == .string("d1"))
            // The GET caller's way of presenting the key works as well.
            let byQuery = try await gateway.request(.get, "\(url)?apiKey=\(owner.secret.urlQueryEncoded)")
            #expect(byQuery.status == .ok)
            #expect(byQuery["totals"]?.field("ok") == .number(1))

            // Another key cannot tell this command from one that does not exist.
            let foreign = try await Self.read(gateway, url, key: other.secret)
            #expect(foreign.status == .notFound)
            #expect(foreign.errorCode == "not_found")
            let unknown = try await Self.read(
                gateway, "/public-api/integration/commands/\(UUID().uuidString.lowercased())", key: owner.secret)
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == foreign.errorCode)
            let malformed = try await Self.read(gateway, "/public-api/integration/commands/nope", key: owner.secret)
            #expect(malformed.errorCode == "not_found")
            #expect((try await Self.read(gateway, url, key: nil)).errorCode == "missing_api_key")
            #expect((try await Self.read(gateway, url, key: "hk_wrong")).errorCode == "invalid_api_key")
            // The admin token is not an API key.
            let admin = try await gateway.request(
                .get, url, headers: [.authorization: "Bearer \(GatewayHarness.adminToken)"])
            #expect(admin.status == .unauthorized)
        }
    }

    @Test("A command the console's test action made has no owning key, so no key reads it")
    func consoleCommandsAreNotReadable() async throws {
        try await InProcessGateway.run { gateway in
            try await WebhookContractTests.setUp(gateway)
            let key = try await gateway.createKey()
            let tested = try await gateway.admin(.post, "actions/refresh/test")
            let commandID = try #require(tested.string("command_id"), "\(tested.text)")
            let read = try await Self.read(gateway, "/public-api/integration/commands/\(commandID)", key: key.secret)
            #expect(read.status == .notFound)
        }
    }

    @Test("A key that requires signatures reads only with a signature over an empty body")
    func signedKeyReads() async throws {
        try await InProcessGateway.run { gateway in
            try await WebhookContractTests.setUp(gateway)
            let created = try await gateway.admin(.post, "keys", #"{"name":"signer","require_signature":true}"#)
            let key = try #require(created.string("key"))
            let secretText = try #require(created.string("signing_secret"))
            let secret = try #require(SigningSecret(value: secretText))
            let answer = try await SignedWebhookTests.signedPost(
                gateway, key: key, secret: secret.value, body: #"{"event_id":"refresh"}"#)
            let url = try #require(answer.string("report_url"), "\(answer.text)")

            let unsigned = try await Self.read(gateway, url, key: key)
            #expect(unsigned.status == .unauthorized)
            #expect(unsigned.errorCode == "signature_required")
            let timestamp = Int64(Date().timeIntervalSince1970)
            let signature = WebhookSignature.sign(id: "read-1", timestamp: timestamp, body: [UInt8](), secret: secret)
            let signed = try await Self.read(
                gateway, url, key: key,
                headers: [
                    HTTPField.Name("webhook-id")!: "read-1", HTTPField.Name("webhook-timestamp")!: String(timestamp),
                    HTTPField.Name("webhook-signature")!: signature,
                ])
            #expect(signed.status == .ok, "\(signed.text)")
            #expect(signed.string("command_id") == nil)
            #expect(signed.string("id") == answer.string("command_id"))
        }
    }
}
