import Foundation
import HookcastTestSupport
import Testing

@Suite("Concurrent request cap")
struct ConcurrencyLimitTests {
    @Test("Past the cap a request gets 503 with Retry-After at once; health checks still answer")
    func capped() async throws {
        let (device, group) = (AcknowledgementTests.unique("busy"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.run(configure: { $0.maximumConcurrentRequests = 2 }) { gateway in
            let key = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "hold")
            // Nobody answers for this device: each request holds its slot for the whole wait.
            async let first = gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#, query: "wait=3")
            async let second = gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#, query: "wait=3")
            try await Task.sleep(for: .milliseconds(500))
            let started = ContinuousClock.now
            let refused = try await gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.errorCode == "overloaded")
            #expect(refused.headers[.retryAfter] == "1")
            // Refused at once, long before the two held requests give their slots back.
            #expect(ContinuousClock.now - started < .milliseconds(1500))
            #expect(try await gateway.request(.get, "/healthz").status == .ok)
            #expect(try await first.status == .ok)
            #expect(try await second.status == .ok)
            // Slots are given back.
            #expect(try await gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#).status == .ok)
        }
    }
}
