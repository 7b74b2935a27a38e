import Foundation
import HTTPTypes
import HookcastProtocol
import HookcastTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import HookcastServer

/// Runs a real gateway (SQLite in a temporary directory, a real broker, HTTP over loopback) for one test.
enum GatewayHarness {
    // At least 32 characters: the gateway refuses shorter ones.
    static let adminToken = "test-admin-token-0123456789abcdef"

    static func configuration(
        dataDirectory: URL, mqttPort: Int, acknowledgementDeadline: Duration = .seconds(30),
        maximumBacklog: Int = 100_000
    ) -> ServerConfiguration {
        let instance = "gateway-test-\(UUID().uuidString.prefix(8))"
        // Tests run gateways side by side on one broker, each with its own database: no sharing of acknowledgements.
        var configuration = ServerConfiguration(
            port: 0,
            dataDirectory: dataDirectory,
            mqttPort: mqttPort,
            mqttClientID: instance,
            mqttSessionExpiry: 60,
            adminToken: adminToken,
            publicURL: "http://hookcast.test",
            acknowledgementDeadline: acknowledgementDeadline,
            acknowledgementShareGroup: instance,
            maximumBacklog: maximumBacklog)
        configuration.topics = testTopics
        // In-process feed servers and callback receivers answer as late as the test process's load makes them:
        // hundreds of tests start at once, and a poll or a report given up on would fail a test that is not about
        // timeouts.
        configuration.capFeedTimeout = .seconds(120)
        configuration.callbacks.timeout = .seconds(120)
        return configuration
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-test-\(UUID().uuidString)")
    }

    /// Starts the gateway, waits until it is connected to the broker (unless `waitForBroker` is false) and runs
    /// `body` against it.
    static func run(
        dataDirectory: URL? = nil,
        mqttPort: Int? = nil,
        waitForBroker: Bool = true,
        acknowledgementDeadline: Duration = .seconds(30),
        maximumBacklog: Int = 100_000,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        logger given: Logger? = nil,
        _ body: @escaping @Sendable (GatewayClient) async throws -> Void
    ) async throws {
        let directory = dataDirectory ?? temporaryDirectory()
        var settings = configuration(
            dataDirectory: directory, mqttPort: try mqttPort ?? SharedBroker.port,
            acknowledgementDeadline: acknowledgementDeadline, maximumBacklog: maximumBacklog)
        configure(&settings)
        // Warnings and errors only, unless a test brings its own logger: the fault tests send thousands of requests,
        // one info line each.
        var logger = given ?? Logger(label: "hookcast")
        if given == nil { logger.logLevel = .warning }
        // A directory made here is removed here, also when the test fails.
        defer { if dataDirectory == nil { try? FileManager.default.removeItem(at: directory) } }
        let app = try await buildApplication(configuration: settings, logger: logger)
        try await app.test(.live) { client in
            // A connection per request, as real callers make them: requests run side by side, and the server
            // closing an idle keep-alive connection cannot break a test.
            let gateway = GatewayClient(port: try #require(client.port))
            if waitForBroker { try await gateway.waitUntilReady() }
            try await body(gateway)
        }
    }
}

/// A response as the tests look at it.
struct HTTPResult: Sendable {
    let status: HTTPResponse.Status
    let json: JSONValue
    let text: String
    var headers: HTTPFields = [:]

    subscript(_ key: String) -> JSONValue? {
        if case .object(let fields) = json { return fields[key] }
        return nil
    }

    func string(_ key: String) -> String? {
        if case .string(let value)? = self[key] { return value }
        return nil
    }

    var errorCode: String? { string("error") }
}

struct GatewayClient: Sendable {
    /// The loopback port the gateway listens on.
    let port: Int?
    private let send:
        @Sendable (String, HTTPRequest.Method, HTTPFields, ByteBuffer?) async throws -> (
            HTTPResponse.Status, HTTPFields, ByteBuffer
        )

    /// A gateway running inside the test.
    init(client: any TestClientProtocol) {
        port = client.port
        send = { uri, method, headers, body in
            try await client.execute(uri: uri, method: method, headers: headers, body: body) {
                ($0.status, $0.headers, $0.body)
            }
        }
    }

    /// A gateway in a process of its own: a connection per request, so a restart between requests goes unnoticed.
    init(port: Int) {
        self.port = port
        send = { uri, method, headers, body in
            // The read timeout only detects a gateway that never answers: 15 s (the default) was outlasted by
            // a busy 2-core runner importing devices.
            try await TestClient.withClient(
                host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(120))
            ) { client in
                let response = try await client.execute(.init(uri, method: method, headers: headers, body: body))
                return (response.status, response.headers, response.body ?? ByteBuffer())
            }
        }
    }

    func request(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil
    ) async throws -> HTTPResult {
        try await request(method, uri, headers: headers, bytes: body.map { Array($0.utf8) })
    }

    /// A request whose body is raw bytes, for bodies that are not UTF-8.
    func request(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], bytes: [UInt8]?
    ) async throws -> HTTPResult {
        let (status, fields, buffer) = try await send(uri, method, headers, bytes.map { ByteBuffer(bytes: $0) })
        let text = String(buffer: buffer)
        // The gateway's own parser, not JSONDecoder: JSONValue's Decodable tries each kind in turn and throws on
        // each miss, and under Swift Testing every throw records a backtrace (a 500-command page took seconds).
        let json = (try? UntrustedJSON.decode(Data(text.utf8))) ?? .null
        return HTTPResult(status: status, json: json, text: text, headers: fields)
    }

    func admin(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) async throws -> HTTPResult {
        var headers: HTTPFields = [.authorization: "Bearer \(GatewayHarness.adminToken)"]
        if body != nil { headers[.contentType] = "application/json" }
        return try await request(method, "/api/v1/\(path)", headers: headers, body: body)
    }

    /// The product page's POST, exactly as its Node.js sample sends it.
    func postWebhook(
        key: String?, body: String, contentType: String = "application/json", query: String? = nil
    ) async throws -> HTTPResult {
        var headers: HTTPFields = [.contentType: contentType]
        if let key { headers[HTTPField.Name("x-webhook-apikey")!] = key }
        let uri = "/public-api/integration/webhooks" + (query.map { "?\($0)" } ?? "")
        return try await request(.post, uri, headers: headers, body: body)
    }

    func getWebhook(query: String) async throws -> HTTPResult {
        try await request(.get, "/public-api/integration/webhooks?\(query)")
    }

    func waitUntilReady() async throws {
        let client = self
        // Generous: the gateway retries its connect with backoff until the broker answers, and at its peaks this
        // test process runs many suites' gateways, clients and brokers at once on a small machine.
        try await withTimeout(.seconds(30), "gateway connected to the broker") {
            while try await client.request(.get, "/readyz").status != .ok {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Creates a key and returns its secret.
    func createKey(name: String = "test key") async throws -> (id: String, secret: String) {
        let created = try await admin(.post, "keys", #"{"name":"\#(name)"}"#)
        #expect(created.status == .created)
        return (try #require(created.string("id")), try #require(created.string("key")))
    }
}

extension String {
    var base64: String { Data(utf8).base64EncodedString() }

    var urlQueryEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? self
    }
}
