import Foundation
import HTTPTypes
import HookcastTestSupport
import Synchronization
import Testing

/// Sends a numbered stream of webhooks the way a careful caller does: each with an `Idempotency-Key`, retried
/// until answered `success`, so a retry after a crash cannot double a command. What was accepted is what the
/// gateway promised to deliver. Given several gateways, it takes turns between them as a round-robin load
/// balancer does, a retry going to the next one.
final class WebhookStream: Sendable {
    let gateways: [GatewayClient]
    let key: String
    let name: String
    private let accepted = Mutex<[Int: String]>([:])
    private let queued = Atomic<Int>(0)
    private let next = Atomic<Int>(0)

    convenience init(gateway: GatewayClient, key: String, name: String) {
        self.init(gateways: [gateway], key: key, name: name)
    }

    init(gateways: [GatewayClient], key: String, name: String) {
        self.gateways = gateways
        self.key = key
        self.name = name
    }

    var acceptedCount: Int { accepted.withLock { $0.count } }

    /// How many were answered `queued`: stored, with the broker out of reach.
    var queuedCount: Int { queued.load(ordering: .relaxed) }

    /// The accepted command ids, in the order of the stream.
    var commandIDs: [String] { accepted.withLock { $0.sorted { $0.key < $1.key }.map(\.value) } }

    /// Sends webhooks `0..<count` (`event(i)` names each one's event) from `concurrency` callers at once.
    func send(count: Int, concurrency: Int = 8, event: @escaping @Sendable (Int) -> String) async throws {
        next.store(0, ordering: .relaxed)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = self.next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard index < count else { return }
                        let id = try await self.accept(index: index, event: event(index))
                        self.accepted.withLock { $0[index] = id }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Waits until at least `count` webhooks were accepted (a point in the stream to break something at).
    func waitUntilAccepted(_ count: Int) async throws {
        try await withTimeout(.seconds(900), "\(count) webhooks accepted") {
            while self.acceptedCount < count { try await Task.sleep(for: .milliseconds(5)) }
        }
    }

    private func accept(index: Int, event: String) async throws -> String {
        let headers: HTTPFields = [
            .contentType: "application/json", HTTPField.Name("x-webhook-apikey")!: key,
            HTTPField.Name("idempotency-key")!: "\(name)-\(index)",
        ]
        return try await withTimeout(.seconds(120), "webhook \(name)-\(index) accepted") {
            var attempt = 0
            while true {
                let gateway = self.gateways[(index + attempt) % self.gateways.count]
                attempt += 1
                // A connection refused or reset (the gateway is down) and a 503 (backlog full) are retried alike.
                if let answer = try? await gateway.request(
                    .post, "/public-api/integration/webhooks", headers: headers, body: #"{"event_id":"\#(event)"}"#),
                    answer.status == .ok, let id = answer.string("command_id")
                {
                    if answer["queued"] == .bool(true) { self.queued.add(1, ordering: .relaxed) }
                    return id
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
