import Foundation
import HTTPTypes
import HookcastCore
import HookcastTestSupport
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import HookcastServer

/// Issue 15, finding 7: the live event stream ends with what opened it. No step depends on how fast the machine
/// is: each waits for the stream's end, bounded only by a limit that detects a stream that never ends.
@Suite("GET /api/v1/events ends when its session or token does")
struct EventStreamSessionTests {
    /// The last chunk of a chunked response: the server ended the stream. (Event text never holds a CR, and the
    /// CRLF before it may have come with the previous read.)
    static let streamEnd = "0\r\n\r\n"

    @Test("Signing out ends the session's open stream at once")
    func signOutEndsStream() async throws {
        try await InProcessGateway.run(.live) { gateway in
            let (cookie, csrf) = try await ConsoleSessionTests.signIn(gateway)
            let stream = try RawTCPConnection(port: try #require(gateway.port))
            stream.send("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(cookie)\r\n\r\n")
            let hello = await stream.readUntil(containing: "event: hello", timeout: .seconds(120))
            #expect(hello.hasPrefix("HTTP/1.1 200"))
            #expect(!hello.contains(Self.streamEnd))

            let out = try await gateway.request(
                .delete, "/api/v1/session", headers: [.cookie: cookie, ConsoleSessionTests.csrf: csrf])
            #expect(out.status == .noContent)
            // The heartbeat is 15 s: an end seen before the bound is the sign-out's doing or the first keep-alive's.
            let rest = await stream.readUntil(containing: Self.streamEnd, timeout: .seconds(120))
            #expect(rest.contains(Self.streamEnd), "the stream outlived its session: \(rest)")
        }
    }

    /// A clock the test moves.
    final class TestClock: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { current.withLock { $0 } }
        func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
    }

    /// The stream's controller alone, on a socket, with a keep-alive short enough that the test never waits for it.
    static func withStream(
        token: AdminToken, sessions: ConsoleSessions, _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        let router = Router(context: HookcastRequestContext.self)
        let api = router.group("api/v1")
        EventStreamController(
            store: InMemoryStore(), live: LiveEvents(), acknowledgementDeadline: .seconds(30), token: token,
            sessions: sessions, heartbeat: .milliseconds(20), batchInterval: .milliseconds(1)
        ).addRoutes(to: api)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    @Test("A session that expires (12 hours after sign-in) ends its stream at the next keep-alive")
    func expiryEndsStream() async throws {
        let clock = TestClock()
        let sessions = ConsoleSessions(lifetime: 12 * 3600, clock: { clock.now })
        let (id, _) = sessions.create()
        try await Self.withStream(token: AdminToken(plainText: GatewayHarness.adminToken), sessions: sessions) { port in
            let stream = try RawTCPConnection(port: port)
            stream.send(
                "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: \(ConsoleCookie.name)=\(id)\r\n\r\n")
            let hello = await stream.readUntil(containing: ": ping", timeout: .seconds(120))
            #expect(hello.contains("event: hello"))
            #expect(!hello.contains(Self.streamEnd), "keep-alives go on while the session lives")

            clock.advance(by: 12 * 3600 + 1)
            let rest = await stream.readUntil(containing: Self.streamEnd, timeout: .seconds(120))
            #expect(rest.contains(Self.streamEnd), "the stream outlived its expired session: \(rest)")
        }
    }

    @Test("A stream opened with the bearer token ends at the next keep-alive once the token is rotated")
    func rotationEndsBearerStream() async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = try AdminToken.loadOrCreate(dataDirectory: directory, fromEnvironment: GatewayHarness.adminToken)
        try await Self.withStream(token: token.token, sessions: ConsoleSessions()) { port in
            let stream = try RawTCPConnection(port: port)
            stream.send(
                "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer \(GatewayHarness.adminToken)\r\n\r\n")
            let hello = await stream.readUntil(containing: ": ping", timeout: .seconds(120))
            #expect(hello.contains("event: hello"))
            #expect(!hello.contains(Self.streamEnd))

            _ = try AdminToken.rotate(dataDirectory: directory)
            let rest = await stream.readUntil(containing: Self.streamEnd, timeout: .seconds(120))
            #expect(rest.contains(Self.streamEnd), "the stream outlived its rotated token: \(rest)")
        }
    }
}
