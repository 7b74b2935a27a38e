import Foundation
import HTTPTypes
import HookcastCore
import HookcastProtocol
import HookcastTestSupport
import Hummingbird
import NIOCore
import Synchronization

/// A receiver of delivery reports, as an integrator would run one: a Hummingbird server on 127.0.0.1 (port 0) in
/// this process that verifies each report's Standard Webhooks signature with the secret the admin API showed, and
/// records the verified ones by `webhook-id`. It answers with the statuses queued in `answers`, then 200.
final class CallbackReceiver: Sendable {
    struct Delivery: Sendable {
        let webhookID: String
        let body: Data
        let status: Int
        var json: JSONValue { (try? UntrustedJSON.decode(body)) ?? .null }
    }

    private struct State {
        var secret: SigningSecret?
        var answers: [Int] = []
        /// Every request that carried a valid signature, in order, with what it was answered.
        var requests: [Delivery] = []
        var badSignatures = 0
    }

    private let state = Mutex(State())
    let port: Int

    private init(port: Int) {
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/reports" }

    func use(secret: String) {
        state.withLock { $0.secret = SigningSecret(value: secret) }
    }

    /// The statuses to answer the next requests with, in order; 200 after them.
    func answer(_ statuses: [Int]) {
        state.withLock { $0.answers = statuses }
    }

    var requests: [Delivery] { state.withLock(\.requests) }
    var badSignatures: Int { state.withLock(\.badSignatures) }
    /// The reports answered 2xx, by webhook-id: what the receiver took in.
    var accepted: [String: [Delivery]] {
        Dictionary(grouping: requests.filter { (200..<300).contains($0.status) }, by: \.webhookID)
    }

    /// Waits until `condition` holds for what was received (or fails after `timeout`).
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(30), _ condition: @escaping @Sendable (CallbackReceiver) -> Bool
    ) async throws {
        try await withTimeout(timeout, what) {
            while !condition(self) { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    private func handle(_ request: Request) async -> Response {
        let body = (try? await request.body.collect(upTo: 1 << 22)).map { Data(buffer: $0) } ?? Data()
        let headers = request.headers
        let id = headers[HTTPField.Name("webhook-id")!]
        let verdict = state.withLock { state -> Int in
            guard let secret = state.secret,
                (try? WebhookSignature.verify(
                    id: id, timestamp: headers[HTTPField.Name("webhook-timestamp")!],
                    signatures: headers[HTTPField.Name("webhook-signature")!], body: Array(body), secret: secret))
                    != nil,
                headers[.contentType] == "application/json"
            else {
                state.badSignatures += 1
                return 401
            }
            let status = state.answers.isEmpty ? 200 : state.answers.removeFirst()
            state.requests.append(Delivery(webhookID: id ?? "", body: body, status: status))
            return status
        }
        return Response(status: .init(code: verdict))
    }

    /// Runs a receiver for the duration of `body`.
    static func with<T: Sendable>(_ body: @escaping @Sendable (CallbackReceiver) async throws -> T) async throws -> T {
        let router = Router()
        let receiver = Mutex<CallbackReceiver?>(nil)
        router.post("reports") { request, _ -> Response in
            guard let current = receiver.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return await current.handle(request)
        }
        return try await LoopbackHTTPServer.run(router) { port in
            let started = CallbackReceiver(port: port)
            receiver.withLock { $0 = started }
            return try await body(started)
        }
    }
}
