import Foundation
import HookcastTestSupport
import Testing

@Suite("Concurrent request cap")
struct ConcurrencyLimitTests {
    @Test("Past the cap a request gets 503 with Retry-After at once; health checks still answer")
    func capped() async throws {
        let (device, group) = (AcknowledgementTests.unique("busy"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.runAndInspect(configure: { $0.maximumConcurrentRequests = 2 }) { parts in
            let gateway = parts.client
            let key = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "hold")
            // Nobody answers for this device: each request holds its slot for its whole wait. The recorded
            // publishes say when both held requests are past publishing, i.e. waiting in their slots.
            let before = parts.broker.publishes.count
            async let first = gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#, query: "wait=20")
            async let second = gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#, query: "wait=20")
            try await withTimeout(.seconds(60), "both held requests published their commands") {
                while parts.broker.publishes.count < before + 2 { try await Task.sleep(for: .milliseconds(20)) }
            }
            let started = ContinuousClock.now
            let refused = try await gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.errorCode == "overloaded")
            #expect(refused.headers[.retryAfter] == "1")
            // Refused at once, not after waiting for one of the held slots (20 s).
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(try await gateway.request(.get, "/healthz").status == .ok)
            #expect(try await first.status == .ok)
            #expect(try await second.status == .ok)
            // Slots are given back.
            #expect(try await gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#).status == .ok)
        }
    }
}
