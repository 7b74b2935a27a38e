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
    /// The requests waiting for their answer, by request id; a stream buffers an answer that comes before its
    /// request is being awaited.
    private let waiting = Mutex<[String: AsyncStream<[DynamicSecurityResponse]>.Continuation]>([:])

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
                    .yield(answers.sorted { $0.index < $1.index }.map(\.response))
            }
        }
        let abandoned = waiting.withLock { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for request in abandoned { request.finish() }
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
        // Registered before publishing: the answer can come back before `send` gets to wait for it.
        let (answers, answer) = AsyncStream.makeStream(
            of: [DynamicSecurityResponse].self, bufferingPolicy: .bufferingNewest(1))
        waiting.withLock { $0[request] = answer }
        defer { waiting.withLock { $0[request] = nil } }
        // Whichever comes first ends the call: the answer, a failed publish, or the timeout (which counts from
        // the start, publish included); the others are cancelled, nothing outlives the call.
        let client = client
        let timeout = timeout
        let received = try await withThrowingTaskGroup(of: RequestEvent.self) { group -> [DynamicSecurityResponse]? in
            group.addTask {
                try await client.publish(
                    to: Self.requestTopic, payload: payload,
                    properties: MQTTPublishProperties(contentType: "application/json"))
                return .published
            }
            group.addTask {
                for await answer in answers { return .answered(answer) }
                return .timedOut
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            defer { group.cancelAll() }
            while let event = try await group.next() {
                switch event {
                case .published: continue
                case .answered(let answers): return answers
                case .timedOut: return nil
                }
            }
            return nil
        }
        guard let answers = received else { throw BrokerAccountError.unavailable }
        guard answers.count == commands.count else { throw BrokerAccountError.unavailable }
        return answers
    }

    private enum RequestEvent: Sendable {
        case published
        case answered([DynamicSecurityResponse])
        /// The timeout passed, or the subscription ended (the client closed) before an answer came.
        case timedOut
    }
}
