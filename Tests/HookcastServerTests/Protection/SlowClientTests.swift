import Foundation
import HookcastTestSupport
import Testing

/// Slow-loris protection: a client that trickles its request is disconnected, while others are served.
@Suite("Slow clients")
struct SlowClientTests {
    /// A gateway whose head and body deadlines are 1 s, and a raw connection to it.
    static func withShortDeadlines(
        _ body: @escaping @Sendable (GatewayClient, RawTCPConnection) async throws -> Void
    ) async throws {
        try await GatewayHarness.run(configure: {
            $0.requestHeadTimeout = .seconds(1)
            $0.requestBodyTimeout = .seconds(1)
        }) { gateway in
            try await body(gateway, try RawTCPConnection(port: try #require(gateway.port)))
        }
    }

    @Test("A request head trickled a byte at a time is cut off after the head timeout; others are served")
    func slowHead() async throws {
        try await Self.withShortDeadlines { gateway, slow in
            let started = ContinuousClock.now
            slow.send("POST /public-api/integration/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            // A byte every 200 ms would keep an idle timeout happy for ever. The deadline is 1 s; the bound only
            // detects a server that never cuts the trickle off.
            var cutOff = false
            while ContinuousClock.now - started < .seconds(60) {
                try await Task.sleep(for: .milliseconds(200))
                if slow.isClosedByPeer || !slow.send("a") {
                    cutOff = true
                    break
                }
                #expect(try await gateway.request(.get, "/healthz").status == .ok)
            }
            let elapsed = ContinuousClock.now - started
            #expect(cutOff, "the server still listens to the trickle after \(elapsed)")
        }
    }

    @Test("A body that stops half-way is cut off after the body timeout")
    func slowBody() async throws {
        try await Self.withShortDeadlines { gateway, slow in
            slow.send(
                "POST /public-api/integration/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "x-webhook-apikey: hk_x\r\nContent-Length: 100\r\n\r\n{\"event_id\":")
            let started = ContinuousClock.now
            // The body deadline is 1 s; the read's limit only detects a server that never closes.
            let (_, closed) = await slow.readUntilClosed(timeout: .seconds(60))
            #expect(closed, "still open after \(ContinuousClock.now - started)")
            let health = try await gateway.request(.get, "/healthz")
            #expect(health.status == .ok)
        }
    }

    @Test("An idle keep-alive connection is closed after the head timeout; a prompt one is answered")
    func keepAliveIdle() async throws {
        try await GatewayHarness.run(configure: { $0.requestHeadTimeout = .seconds(1) }) { gateway in
            let port = try #require(gateway.port)
            let connection = try RawTCPConnection(port: port)
            connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let (text, closed) = await connection.readUntilClosed(timeout: .seconds(15))
            #expect(text.hasPrefix("HTTP/1.1 200"))
            #expect(closed, "closed once idle past the head timeout")
        }
    }
}
