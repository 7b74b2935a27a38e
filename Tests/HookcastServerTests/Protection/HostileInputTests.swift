import Foundation
import HTTPTypes
import HookcastTestSupport
import Testing

/// Input meant to break the gateway: every answer must be a 4xx with a JSON error (or, where the input is merely
/// unusual, a normal success), nothing may crash, nothing stored may change, and a well-behaved client keeps being
/// served throughout. In process, without a broker; what devices send to the gateway is in `HostileDeviceInputTests`.
@Suite("Hostile input")
struct HostileInputTests {
    static func deeplyNested(_ depth: Int) -> String {
        #"{"event_id":"refresh","sensor_data":"# + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}"
    }

    @Test("Malformed, oversized, nested and mistyped bodies are 4xx with a JSON error; nothing is stored")
    func hostileBodies() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            try await WebhookContractTests.setUp(gateway)
            let key = try await gateway.createKey().secret
            var accepted = 0
            var bodies: [(String, String)] = [
                ("truncated", #"{"event_id":"refr"#),
                ("truncated escape", #"{"event_id":"\u12"#),
                ("lone surrogate", #"{"event_id":"\ud800"}"#),
                ("deep nesting 100k", Self.deeplyNested(30_000)),
                (
                    "deep object nesting",
                    String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
                ),
                ("number overflow", #"{"event_id":1e999999}"#),
                ("huge number", #"{"event_id":"# + String(repeating: "9", count: 60_000) + "}"),
                ("event id array", #"{"event_id":["refresh"]}"#),
                ("event id bool", #"{"event_id":true}"#),
                ("event id float", #"{"event_id":1.5}"#),
                ("event id too long", #"{"event_id":""# + String(repeating: "a", count: 5_000) + #""}"#),
                ("event id with NUL escape", #"{"event_id":"refresh\u0000"}"#),
                ("event id with wildcard", #"{"event_id":"+/#"}"#),
                ("sensor number", #"{"event_id":"refresh","sensor_data":42}"#),
                ("sensor array", #"{"event_id":"refresh","sensor_data":[1,2]}"#),
                ("duplicate keys", #"{"event_id":"nope","event_id":"nope"}"#),
                ("string body", #""refresh""#),
                ("null body", "null"),
                ("empty body", ""),
                ("whitespace body", "   \n\t "),
            ]
            bodies.append(("64 KiB of brackets", String(repeating: "[", count: 65_000)))
            // Exactly what crashed Foundation's decoder (and with it the process) before UntrustedJSON.
            bodies.append(("513 brackets", String(repeating: "[", count: 513)))
            bodies.append(
                (
                    "sensor data 512 deep, cut off",
                    #"{"event_id":"refresh","sensor_data":"# + String(repeating: "[", count: 512)
                ))
            for (name, body) in bodies {
                let answer = try await gateway.postWebhook(key: key, body: body)
                // sensor_data of another shape is ignored by refresh_content: success is a correct answer too.
                if answer.status == .ok {
                    accepted += 1
                    continue
                }
                #expect(
                    (400..<500).contains(answer.status.code), "\(name): \(answer.status) \(answer.text.prefix(200))")
                #expect(answer["message"] == .string("Error"), "\(name): \(answer.text.prefix(200))")
                #expect(answer.string("detail")?.isEmpty == false, "\(name)")
                #expect(try await gateway.request(.get, "/healthz").status == .ok, "alive after \(name)")
            }
            let invalidUTF8 = try await Self.post(gateway, key: key, body: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D])
            #expect(invalidUTF8.status == .badRequest, "\(invalidUTF8.text.prefix(200))")
            let crasherAsPayload = try await gateway.getWebhook(
                query: "apiKey=\(key)&payload=\(String(repeating: "[", count: 513).base64.urlQueryEncoded)")
            #expect(crasherAsPayload.errorCode == "invalid_json")
            // Only the bodies that were valid requests for "refresh" made a command, one each.
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(Double(accepted)))
            #expect(accepted <= 2, "only the sensor_data variants of a valid request may pass")
            #expect(parts.broker.publishes(on: "\(testTopics.root)/devices/d1/commands").count == accepted)
        }
    }

    @Test("Header tricks, path tricks and over-long lines get 4xx (or the connection closed), never 5xx")
    func hostileRequestLines() async throws {
        // Over a real socket: the request lines must reach the HTTP parser as they are. A short head timeout closes
        // each connection soon after its answer, so reading until closed does not wait out the read timeout.
        // Not shorter: with a 1 s head timeout a loaded runner saw the server close a connection before the test
        // had written its request ("I/O on closed channel").
        try await InProcessGateway.run(.live, configure: { $0.requestHeadTimeout = .seconds(10) }) { gateway in
            try await WebhookContractTests.setUp(gateway)
            let key = try await gateway.createKey().secret
            let port = try #require(gateway.port)
            let requests: [(String, String)] = [
                (
                    "path traversal",
                    "GET /public-api/integration/webhooks/../../api/v1/keys HTTP/1.1\r\nHost: x\r\n\r\n"
                ),
                ("encoded traversal", "GET /public-api/%2e%2e/api/v1/keys HTTP/1.1\r\nHost: x\r\n\r\n"),
                ("double slashes", "GET //api//v1//keys HTTP/1.1\r\nHost: x\r\n\r\n"),
                ("NUL in path", "GET /api/v1/keys%00 HTTP/1.1\r\nHost: x\r\n\r\n"),
                ("absolute URI", "GET http://evil.example/api/v1/keys HTTP/1.1\r\nHost: x\r\n\r\n"),
                ("bad method", "FOO /public-api/integration/webhooks HTTP/1.1\r\nHost: x\r\n\r\n"),
                ("bad version", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"),
                ("header without colon", "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n"),
                ("bare LF header injection", "GET /healthz HTTP/1.1\r\nX-A: a\nX-Injected: b\r\n\r\n"),
                (
                    "conflicting lengths",
                    "POST /public-api/integration/webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                        + "Transfer-Encoding: chunked\r\nx-webhook-apikey: \(key)\r\n\r\n0\r\n\r\n"
                ),
                (
                    "negative length",
                    "POST /public-api/integration/webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"
                ),
                (
                    "huge header",
                    "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n"
                ),
                ("huge URL", "GET /healthz?\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n"),
                ("admin without token", "GET /api/v1/keys HTTP/1.1\r\nHost: x\r\n\r\n"),
                (
                    "admin with key as token",
                    "GET /api/v1/keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\n\r\n"
                ),
            ]
            for (name, request) in requests {
                let connection = try RawTCPConnection(port: port)
                connection.send(request)
                let (text, _) = await connection.readUntilClosed(timeout: .seconds(3))
                let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
                if let status {
                    #expect(status < 500, "\(name): \(text.prefix(300))")
                    #expect(
                        status != 200 || name == "double slashes" || name == "bad version",
                        "\(name): \(text.prefix(300))")
                }
                #expect(!text.contains(key), "\(name) echoed the key")
                #expect(try await gateway.request(.get, "/healthz").status == .ok, "alive after \(name)")
            }
            #expect(try await gateway.admin(.get, "commands")["total"] == .number(0))
        }
    }

    /// A POST with raw body bytes (for bytes that are not UTF-8).
    static func post(_ gateway: GatewayClient, key: String, body: [UInt8]) async throws -> HTTPResult {
        try await gateway.request(
            .post, "/public-api/integration/webhooks",
            headers: [.contentType: "application/json", .init("x-webhook-apikey")!: key], bytes: body)
    }
}
