import Foundation

/// The webhook of `hookcast-bench intake`: an action for every device and a key made once, then one call per
/// broadcast that waits (`?wait=30`) until every acknowledgement is recorded.
struct IntakeBroadcast: Sendable {
    static let event = "bench-intake"

    let url: String
    let apiKey: String

    init(gateway: AccountsGateway) async throws {
        let admin = ["Authorization": "Bearer \(gateway.adminToken)"]
        let key = try await BenchHTTP.expectSuccess(
            "POST", "\(gateway.baseURL)/api/v1/keys", headers: admin,
            json: ["name": "bench-intake", "rate_limit": ["per_second": 1_000_000, "burst": 1_000_000]])
        guard let apiKey = key["key"] as? String else { throw BenchHTTP.Failure(description: "no key in the answer") }
        try await BenchHTTP.expectSuccess(
            "POST", "\(gateway.baseURL)/api/v1/actions", headers: admin,
            json: [
                "event_id": Self.event, "function": "refresh_content", "target": ["kind": "all"], "ttl_seconds": 600,
            ])
        self.apiKey = apiKey
        url = "\(gateway.baseURL)/public-api/integration/webhooks?wait=30"
    }

    /// Sends the webhook; the task ends with when it was answered, and whether every device answered `ok`.
    func send() -> Task<(answeredAt: ContinuousClock.Instant, complete: Bool), any Error> {
        let (url, apiKey) = (url, apiKey)
        return Task {
            let body = Array(#"{"event_id":"\#(Self.event)"}"#.utf8)
            let (status, answer) = try await BenchHTTP.request(
                "POST", url, headers: ["x-webhook-apikey": apiKey], jsonBody: body)
            let answeredAt = ContinuousClock.now
            guard status == 200 else {
                throw BenchHTTP.Failure(
                    description: "broadcast answered \(status): \(String(decoding: answer, as: UTF8.self))")
            }
            let object = (try? JSONSerialization.jsonObject(with: answer) as? [String: Any]) ?? [:]
            return (answeredAt, object["complete"] as? Bool == true)
        }
    }
}
