import Foundation
import HookcastProtocol
import Synchronization

/// Sends `BrokerControlRequest`s to Hookcast's broker plugin and waits for each answer, matched by correlation
/// data (16 random bytes per request), so answers find their caller whatever order they come in.
final class BrokerControlClient: Sendable {
    private let transport: any BrokerControlTransport
    private let timeout: Duration
    /// The requests waiting for their answer; a stream buffers an answer that comes before `send` waits for it.
    private let waiting = Mutex<[[UInt8]: AsyncStream<[UInt8]>.Continuation]>([:])

    init(transport: any BrokerControlTransport, timeout: Duration = .seconds(10)) {
        self.transport = transport
        self.timeout = timeout
    }

    /// Hands each answer to the request waiting for it, until the transport closes; requests still waiting then
    /// fail at once instead of at their timeout.
    func run() async {
        await transport.receiveAnswers { answer in
            // Yielded outside the lock: no effects while holding it.
            self.waiting.withLock { $0.removeValue(forKey: answer.correlationData) }?.yield(answer.payload)
        }
        let abandoned = waiting.withLock { pending in
            defer { pending.removeAll() }
            return Array(pending.values)
        }
        for request in abandoned { request.finish() }
    }

    /// Sends `commands` in one request and returns the plugin's results, one per command, in order. Throws
    /// `BrokerControlError` when no answer comes within the timeout (broker down, plugin not loaded, or this
    /// account not one of the plugin's gateway accounts) or the answer is not one.
    func send(_ commands: [BrokerControlCommand]) async throws(BrokerControlError) -> [BrokerControlResult] {
        guard !commands.isEmpty else { return [] }
        let payload = BrokerControlWriter.encode(BrokerControlRequest(commands: commands))
        let correlationData = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        // Registered before publishing: the answer can come back before `send` gets to wait for it.
        let (answers, answer) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(1))
        waiting.withLock { $0[correlationData] = answer }
        defer { waiting.withLock { $0[correlationData] = nil } }

        // The publish runs on its own: the client's publish waits for the broker's PUBACK (up to its own 30 s
        // acknowledgement timeout) and ignores cancellation, so awaited in the group below it held every request
        // to a stalled broker for 30 s, not `timeout`. It ends by itself; only its failure is heard.
        let transport = transport
        let (publishFailures, publishFailed) = AsyncStream.makeStream(of: String.self)
        Task {
            do {
                try await transport.publish(request: payload, correlationData: correlationData)
            } catch {
                publishFailed.yield(String(describing: error))
            }
            publishFailed.finish()
        }
        // Whichever comes first ends the call: the answer, a failed publish, or the timeout (counted from the
        // start, publish included); the others are cancelled.
        let timeout = timeout
        let event = await withTaskGroup(of: RequestEvent.self) { group in
            group.addTask {
                for await reason in publishFailures { return .publishFailed(reason) }
                return .published
            }
            group.addTask {
                for await answer in answers { return .answered(answer) }
                return .closed
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            defer { group.cancelAll() }
            while let event = await group.next() {
                if case .published = event { continue }
                return event
            }
            return RequestEvent.closed
        }
        switch event {
        case .answered(let body):
            return try Self.results(of: body, for: commands)
        case .timedOut:
            throw .timedOut(timeout)
        case .publishFailed(let reason):
            throw .publishFailed(reason)
        case .published, .closed:
            throw .closed
        }
    }

    private static func results(of body: [UInt8], for commands: [BrokerControlCommand]) throws(BrokerControlError)
        -> [BrokerControlResult]
    {
        let response: BrokerControlResponse
        do {
            response = try JSONDecoder().decode(BrokerControlResponse.self, from: Data(body))
        } catch {
            throw .unreadableAnswer("not a control response: \(error)")
        }
        // An unreadable request is answered with one "request" result naming why.
        if let first = response.results.first, first.command == "request", let reason = first.error {
            throw .requestRefused(reason)
        }
        guard response.results.map(\.command) == commands.map(\.name) else {
            throw .unreadableAnswer(
                "\(response.results.count) result(s) for \(commands.count) command(s), or in another order")
        }
        return response.results
    }

    private enum RequestEvent: Sendable {
        case published
        case publishFailed(String)
        case answered([UInt8])
        case timedOut
        /// The transport closed before an answer came.
        case closed
    }
}

/// Why a control request got no usable answer.
enum BrokerControlError: Error, CustomStringConvertible, Equatable {
    case timedOut(Duration)
    case publishFailed(String)
    /// The connection to the broker closed for good while waiting.
    case closed
    case unreadableAnswer(String)
    /// The plugin could not read the request at all.
    case requestRefused(String)

    var description: String {
        switch self {
        case .timedOut(let timeout):
            "the broker plugin did not answer within \(timeout) (is the broker up, with Hookcast's plugin loaded "
                + "and this gateway's account in its gateway accounts file?)"
        case .publishFailed(let reason): "the control request could not be published: \(reason)"
        case .closed: "the connection to the broker closed before the plugin answered"
        case .unreadableAnswer(let reason): "the broker plugin's answer was unusable: \(reason)"
        case .requestRefused(let reason): "the broker plugin refused the request: \(reason)"
        }
    }
}
