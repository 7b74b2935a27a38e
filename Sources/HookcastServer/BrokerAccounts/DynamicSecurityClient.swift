import Foundation
import HookcastProtocol
import Logging
import Mosquitto
import Synchronization

/// Sends commands to mosquitto's dynamic-security plugin over the gateway's MQTT connection and waits for its
/// answers. The plugin answers each request message with one response message on a fixed topic; every command
/// carries correlation data naming its request, so answers find their caller even with several gateways on one
/// broker.
final class DynamicSecurityClient: Sendable {
    static let requestTopic = "$CONTROL/dynamic-security/v1"
    static let responseTopic = "$CONTROL/dynamic-security/v1/response"

    private let client: MQTTClient
    private let responses: MQTTSubscription
    private let timeout: Duration
    private let waiting = Mutex<[String: CheckedContinuation<[DynamicSecurityResponse], any Error>]>([:])

    /// Subscribes at once, so it can be made before the client first connects.
    init(client: MQTTClient, timeout: Duration = .seconds(10)) async throws {
        self.client = client
        self.timeout = timeout
        responses = try await client.subscribe(to: Self.responseTopic)
    }

    /// Hands each answer to the request waiting for it, until the subscription ends.
    func run() async {
        for await message in responses {
            guard case .object(let body)? = try? UntrustedJSON.decode(Data(message.payload)),
                case .array(let items)? = body["responses"]
            else { continue }
            var byRequest: [String: [(index: Int, response: DynamicSecurityResponse)]] = [:]
            for case .object(let item) in items {
                guard case .string(let correlation)? = item["correlationData"],
                    let separator = correlation.lastIndex(of: ":"),
                    let index = Int(correlation[correlation.index(after: separator)...])
                else { continue }
                var error: String?
                if case .string(let text)? = item["error"] { error = text }
                var command = ""
                if case .string(let name)? = item["command"] { command = name }
                byRequest[String(correlation[..<separator]), default: []].append(
                    (index, DynamicSecurityResponse(command: command, error: error, data: item["data"])))
            }
            for (request, answers) in byRequest {
                waiting.withLock { $0.removeValue(forKey: request) }?
                    .resume(returning: answers.sorted { $0.index < $1.index }.map(\.response))
            }
        }
        let abandoned = waiting.withLock { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for continuation in abandoned { continuation.resume(throwing: BrokerAccountError.unavailable) }
    }

    /// Sends `commands` in one message; answers come back in the same order. Throws `unavailable` when the
    /// broker does not answer in time (not connected, or the plugin is not loaded).
    func send(_ commands: [DynamicSecurityCommand]) async throws -> [DynamicSecurityResponse] {
        guard !commands.isEmpty else { return [] }
        let request = UUID().uuidString.lowercased()
        let body: JSONValue = .object([
            "commands": .array(
                commands.enumerated().map { index, command in
                    .object(command.fields.merging(["correlationData": .string("\(request):\(index)")]) { $1 })
                })
        ])
        let payload = Array(try JSONCoding.encoder().encode(body))
        let client = client
        let timeout = timeout
        let answers = try await withCheckedThrowingContinuation { continuation in
            waiting.withLock { $0[request] = continuation }
            // Whichever comes first resumes the caller: the answer (in `run`), a failed publish, or the timeout;
            // the others then find nothing waiting under this request.
            Task {
                do {
                    try await client.publish(
                        to: Self.requestTopic, payload: payload,
                        properties: MQTTPublishProperties(contentType: "application/json"))
                } catch {
                    self.waiting.withLock { $0.removeValue(forKey: request) }?.resume(throwing: error)
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                self.waiting.withLock { $0.removeValue(forKey: request) }?
                    .resume(throwing: BrokerAccountError.unavailable)
            }
        }
        guard answers.count == commands.count else { throw BrokerAccountError.unavailable }
        return answers
    }
}
