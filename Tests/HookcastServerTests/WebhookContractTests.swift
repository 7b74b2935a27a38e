import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

@testable import HookcastServer

@Suite("The product page's webhook contract, in process on a recording broker")
struct WebhookContractTests {
    /// A device, and an action for it under `event`.
    static func setUp(
        _ gateway: GatewayClient, event: String = "refresh", function: String = "refresh_content", params: String = "{}"
    ) async throws {
        _ = try await gateway.admin(.post, "devices", #"{"id":"d1","name":"Lobby"}"#)
        let created = try await gateway.admin(
            .post, "actions",
            #"{"event_id":"\#(event)","name":"Refresh","function":"\#(function)","params":\#(params),"target":{"kind":"device","id":"d1"}}"#
        )
        #expect(created.status == .created, "\(created.text)")
    }

    @Test("POST as the page's Node.js sample sends it answers success with the command")
    func postSucceeds() async throws {
        try await InProcessGateway.runAndInspect { parts in
            let gateway = parts.client
            try await Self.setUp(gateway)
            let key = try await gateway.createKey()
            let result = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"refresh"}"#)
            #expect(result.status == .ok)
            #expect(result.string("message") == "success")
            #expect(result["targets"] == .number(1))
            #expect(result["queued"] == .bool(false))
            let commandID = try #require(result.string("command_id"))
            #expect(result.string("status_url") == "/api/v1/commands/\(commandID)")
            let stored = try await gateway.admin(.get, "commands/\(commandID)")
            #expect(stored.status == .ok)
            #expect(stored.string("event_id") == "refresh")
            #expect(stored["api_key_id"] == .string(key.id))
            #expect(!stored.text.contains(key.secret))
            // Published once, with QoS 1, on the device's command topic, as that command's envelope.
            let published = parts.broker.publishes(on: "\(testTopics.root)/devices/d1/commands")
            try #require(published.count == 1)
            let envelope = try CommandEnvelope.decode(published[0].payload)
            #expect(envelope.id.uuidString.lowercased() == commandID)
            #expect(envelope.eventID.rawValue == "refresh")
            #expect(published[0].qos == .atLeastOnce)
            #expect(!published[0].retain)
            #expect(published[0].properties.correlationData == Array(commandID.utf8))
        }
    }

    @Test("While the broker is away the webhook answers success, queued, with the command stored and nothing sent")
    func queuedWhileBrokerAway() async throws {
        try await InProcessGateway.runAndInspect(broker: RecordingPublisher(connected: false)) { parts in
            try await Self.setUp(parts.client)
            let key = try await parts.client.createKey()
            let result = try await parts.client.postWebhook(key: key.secret, body: #"{"event_id":"refresh"}"#)
            #expect(result.status == .ok)
            #expect(result.string("message") == "success")
            #expect(result["queued"] == .bool(true))
            let commandID = try #require(result.string("command_id"))
            #expect(try await parts.client.admin(.get, "commands/\(commandID)").status == .ok)
            #expect(try await parts.store.commands.unpublishedCount() == 1)
            #expect(parts.broker.publishes.isEmpty)
        }
    }

    @Test("A publish the broker never acknowledged leaves the command queued and unpublished in the store")
    func queuedWhenPublishFails() async throws {
        try await InProcessGateway.runAndInspect { parts in
            try await Self.setUp(parts.client)
            let key = try await parts.client.createKey()
            parts.broker.failNextPublishes()
            let result = try await parts.client.postWebhook(key: key.secret, body: #"{"event_id":"refresh"}"#)
            #expect(result.status == .ok)
            #expect(result["queued"] == .bool(true))
            #expect(try await parts.store.commands.unpublishedCount() == 1)
            #expect(parts.broker.publishes(on: "\(testTopics.root)/devices/d1/commands").isEmpty)
        }
    }

    // A webhook that waited for the stalled publish would never be answered: the limit makes that a failure.
    @Test(
        "A broker that stops acknowledging gets the webhook answered queued at the deadline; the publish goes on",
        .timeLimit(.minutes(1)))
    func queuedWhenTheBrokerStalls() async throws {
        try await InProcessGateway.runAndInspect(configure: { $0.publishAnswerDeadline = .milliseconds(1) }) { parts in
            try await Self.setUp(parts.client)
            let key = try await parts.client.createKey()
            parts.broker.stall()
            let result = try await parts.client.postWebhook(key: key.secret, body: #"{"event_id":"refresh"}"#)
            #expect(result.status == .ok)
            #expect(result["queued"] == .bool(true))
            // Answered while its publish still waits for the broker, not when the client would give up on it.
            #expect(parts.broker.stalledPublishCount == 1)
            #expect(try await parts.store.commands.unpublishedCount() == 1)
            parts.broker.resume()
            // The publish ends, and the lifecycle records it as the one publish of the command.
            #expect(
                try await DeliveryServiceTests.eventually { try await parts.store.commands.unpublishedCount() == 0 })
            #expect(parts.broker.publishes(on: "\(testTopics.root)/devices/d1/commands").count == 1)
        }
    }

    @Test("GET works with the payload in standard or URL-safe Base64, padded or not, and with the older eventId form")
    func getForms() async throws {
        try await InProcessGateway.run { gateway in
            try await Self.setUp(gateway)
            let key = try await gateway.createKey()
            let json = #"{"event_id":"refresh","sensor_data":{"id":"s1","event":"door","value":"open??>"}}"#
            let standard = json.base64
            let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            for query in [
                "apiKey=\(key.secret)&payload=\(standard.urlQueryEncoded)",
                "apiKey=\(key.secret)&payload=\(urlSafe)",
                "apiKey=\(key.secret)&payload=\(#"{"event_id":"refresh"}"#.base64.urlQueryEncoded)",
                "apiKey=\(key.secret)&eventId=refresh",
            ] {
                let result = try await gateway.getWebhook(query: query)
                #expect(result.status == .ok, "\(query): \(result.text)")
                #expect(result.string("message") == "success")
            }
        }
    }

    @Test("sensor_data may arrive as an object or as a string holding one, and reaches the command")
    func sensorDataForms() async throws {
        try await InProcessGateway.run { gateway in
            try await Self.setUp(gateway, event: "sensor", function: "send_sensor_event")
            let key = try await gateway.createKey()
            for body in [
                #"{"event_id":"sensor","sensor_data":{"id":"t1","event":"temp","value":21.5}}"#,
                #"{"event_id":"sensor","sensor_data":"{\"id\":\"t1\",\"event\":\"temp\",\"value\":21.5}"}"#,
            ] {
                let result = try await gateway.postWebhook(key: key.secret, body: body)
                #expect(result.status == .ok, "\(result.text)")
                let command = try await gateway.admin(.get, "commands/\(try #require(result.string("command_id")))")
                #expect(
                    command["sensor_data"]
                        == .object(["id": .string("t1"), "event": .string("temp"), "value": .number(21.5)]))
            }
        }
    }

    @Test("Every bad request gets its status and a JSON body naming the problem, and stores nothing")
    func badRequests() async throws {
        try await InProcessGateway.run { gateway in
            try await Self.setUp(gateway)
            try await Self.setUp(gateway, event: "sensor", function: "send_sensor_event")
            _ = try await gateway.admin(
                .post, "actions",
                #"{"event_id":"off","function":"refresh_content","enabled":false,"target":{"kind":"all"}}"#)
            let key = try await gateway.createKey()
            let disabled = try await gateway.createKey(name: "disabled")
            _ = try await gateway.admin(.patch, "keys/\(disabled.id)", #"{"enabled":false}"#)
            let big = #"{"event_id":"refresh","pad":""# + String(repeating: "x", count: 70_000) + #""}"#

            let cases: [(String, HTTPResult, Int, String)] = [
                (
                    "no key", try await gateway.postWebhook(key: nil, body: #"{"event_id":"refresh"}"#), 401,
                    "missing_api_key"
                ),
                (
                    "unknown key", try await gateway.postWebhook(key: "hk_nope", body: #"{"event_id":"refresh"}"#), 401,
                    "invalid_api_key"
                ),
                (
                    "disabled key",
                    try await gateway.postWebhook(key: disabled.secret, body: #"{"event_id":"refresh"}"#), 401,
                    "invalid_api_key"
                ),
                (
                    "not JSON", try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"#), 400,
                    "invalid_json"
                ),
                (
                    "control character",
                    try await gateway.postWebhook(key: key.secret, body: "{\"event_id\":\"a\u{0}b\"}"), 400,
                    "invalid_json"
                ),
                ("array body", try await gateway.postWebhook(key: key.secret, body: "[1,2]"), 400, "invalid_json"),
                ("no event id", try await gateway.postWebhook(key: key.secret, body: "{}"), 400, "missing_event_id"),
                (
                    "event id object", try await gateway.postWebhook(key: key.secret, body: #"{"event_id":{}}"#), 400,
                    "invalid_event_id"
                ),
                (
                    "wrong type",
                    try await gateway.postWebhook(
                        key: key.secret, body: #"{"event_id":"refresh"}"#, contentType: "text/plain"), 415,
                    "unsupported_media_type"
                ),
                ("too large", try await gateway.postWebhook(key: key.secret, body: big), 413, "body_too_large"),
                (
                    "unknown event", try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"nope"}"#), 404,
                    "unknown_event"
                ),
                (
                    "hostile event", try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"../#/+"}"#),
                    404, "unknown_event"
                ),
                (
                    "disabled event", try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"off"}"#), 404,
                    "event_disabled"
                ),
                (
                    "sensor missing", try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"sensor"}"#),
                    422, "invalid_sensor_data"
                ),
                (
                    "sensor invalid",
                    try await gateway.postWebhook(
                        key: key.secret, body: #"{"event_id":"sensor","sensor_data":"not json"}"#), 422,
                    "invalid_sensor_data"
                ),
                (
                    "bad base64", try await gateway.getWebhook(query: "apiKey=\(key.secret)&payload=%%%"), 400,
                    "invalid_base64"
                ),
                (
                    "payload not JSON",
                    try await gateway.getWebhook(query: "apiKey=\(key.secret)&payload=\("hello".base64)"), 400,
                    "invalid_json"
                ),
                (
                    "GET without event", try await gateway.getWebhook(query: "apiKey=\(key.secret)"), 400,
                    "missing_event_id"
                ),
                ("GET without key", try await gateway.getWebhook(query: "eventId=refresh"), 401, "missing_api_key"),
            ]
            for (name, result, status, code) in cases {
                #expect(result.status.code == status, "\(name): \(result.status) \(result.text)")
                #expect(result.string("message") == "Error", "\(name)")
                #expect(result.errorCode?.hasPrefix(code) == true, "\(name): \(result.text)")
                #expect(result.string("detail")?.isEmpty == false, "\(name)")
                #expect(!result.text.contains(key.secret), "\(name) leaked the key")
            }
            let commands = try await gateway.admin(.get, "commands")
            #expect(commands["total"] == .number(0))
        }
    }

    @Test("A deleted key is refused on the very next request")
    func deletedKey() async throws {
        try await InProcessGateway.run { gateway in
            try await Self.setUp(gateway)
            let key = try await gateway.createKey()
            #expect(try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"refresh"}"#).status == .ok)
            #expect(try await gateway.admin(.delete, "keys/\(key.id)").status == .noContent)
            let refused = try await gateway.postWebhook(key: key.secret, body: #"{"event_id":"refresh"}"#)
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode == "invalid_api_key")
        }
    }

    @Test("The header key wins over the apiKey parameter")
    func headerWins() async throws {
        try await InProcessGateway.run { gateway in
            try await Self.setUp(gateway)
            let key = try await gateway.createKey()
            let result = try await gateway.request(
                .post, "/public-api/integration/webhooks?apiKey=hk_wrong",
                headers: [.contentType: "application/json", .init("x-webhook-apikey")!: key.secret],
                body: #"{"event_id":"refresh"}"#)
            #expect(result.status == .ok)
        }
    }
}

@Suite("Request logging")
struct RequestLogTests {
    @Test("The apiKey parameter never reaches the log")
    func keyRedacted() {
        let logged = LoggedURI.redacted(
            path: "/public-api/integration/webhooks", query: "apiKey=hk_secret&payload=eyJ9&APIKEY=x")
        #expect(logged == "/public-api/integration/webhooks?apiKey=REDACTED&payload=eyJ9&APIKEY=REDACTED")
    }
}
