import Foundation
import HookcastTestSupport
import Testing

@Suite("Concurrent request cap")
struct ConcurrencyLimitTests {
    @Test("Past the cap a request gets 503 with Retry-After at once; health checks still answer")
    func capped() async throws {
        let (device, group) = (AcknowledgementTests.unique("busy"), AcknowledgementTests.unique("g"))
        // Both held requests use one key: it may hold both slots in waits (by default a key holds a quarter).
        try await InProcessGateway.runAndInspect(configure: {
            $0.maximumConcurrentRequests = 2
            $0.maximumWaitsPerKey = 2
        }) { parts in
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

extension ConcurrencyLimitTests {
    // Issue 15, finding 4. Before: every `?wait` held a server slot for its whole wait, however many one key held,
    // so one key could take all of them; the second wait here would have waited 20 s and carried a report.
    @Test("Past its share of waits a key's webhook is answered at once without the report, and says so")
    func waitsPerKey() async throws {
        let (device, group) = (AcknowledgementTests.unique("wait"), AcknowledgementTests.unique("g"))
        try await InProcessGateway.runAndInspect(configure: {
            $0.maximumConcurrentRequests = 8
            $0.maximumWaitsPerKey = 1
        }) { parts in
            let gateway = parts.client
            let key = try await AcknowledgementTests.register(gateway, devices: [device], group: group, event: "hold")
            let other = try #require(try await gateway.admin(.post, "keys", #"{"name":"other"}"#).string("key"))
            // Nobody answers for this device: the first request holds the key's one wait for 20 s.
            let before = parts.broker.publishes.count
            async let held = gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#, query: "wait=20")
            try await withTimeout(.seconds(60), "the held request published its command") {
                while parts.broker.publishes.count < before + 1 { try await Task.sleep(for: .milliseconds(20)) }
            }
            let started = ContinuousClock.now
            let skipped = try await gateway.postWebhook(key: key, body: #"{"event_id":"hold"}"#, query: "wait=20")
            #expect(skipped.status == .ok, "\(skipped.text)")
            #expect(skipped["wait_skipped"] == .bool(true))
            #expect(skipped["totals"] == nil && skipped["complete"] == nil)
            #expect(skipped.string("command_id") != nil, "the command stands")
            // At once, not after the 20 s the wait asked for.
            #expect(ContinuousClock.now - started < .seconds(10))
            // Another key's wait is its own: it gets a slot (and, with nobody answering, its report at the end).
            let otherWait = try await gateway.postWebhook(key: other, body: #"{"event_id":"hold"}"#, query: "wait=0.1")
            #expect(otherWait.status == .ok)
            #expect(otherWait["wait_skipped"] == nil)
            #expect(otherWait["complete"] == .bool(false))
            let samples = MetricsTests.samples(try await gateway.request(.get, "/metrics").text)
            #expect(samples["hookcast_webhook_waits_skipped_total"] == 1)

            let first = try await held
            #expect(first.status == .ok)
            #expect(first["wait_skipped"] == nil && first["complete"] == .bool(false))
        }
    }
}
