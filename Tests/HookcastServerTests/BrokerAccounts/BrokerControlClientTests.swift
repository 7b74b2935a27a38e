import Foundation
import HookcastProtocol
import Synchronization
import Testing

@testable import HookcastServer

/// Matching answers to requests by correlation data, and every way an answer can fail to come, with a transport
/// whose answers the test writes.
@Suite struct BrokerControlClientTests {
    @Test func answersFindTheirRequestWhateverTheirOrder() async throws {
        let transport = ScriptedTransport()
        let client = BrokerControlClient(transport: transport, timeout: .seconds(60))
        let serving = Task { await client.run() }
        async let first = client.send([.digest])
        async let second = client.send([.removeGroup(try GroupID("hall"))])
        let published = await transport.waitForRequests(2)
        // A stray answer for no request, then the two answers in the opposite order of their requests.
        transport.answer(correlationData: [9, 9, 9], #"{"results":[{"command":"digest","count":99}]}"#)
        for (request, correlation) in published.reversed() {
            let count = request.commands == [.digest] ? 1 : 2
            let name = request.commands[0].name
            transport.answer(correlationData: correlation, #"{"results":[{"command":"\#(name)","count":\#(count)}]}"#)
        }
        #expect(try await first.map(\.count) == [1])
        #expect(try await second.map(\.count) == [2])
        transport.close()
        await serving.value
    }

    @Test func noAnswerTimesOutWithASentenceNamingTheLikelyCauses() async throws {
        let client = BrokerControlClient(transport: ScriptedTransport(), timeout: .milliseconds(50))
        await #expect(throws: BrokerControlError.timedOut(.milliseconds(50))) { try await client.send([.digest]) }
        #expect(BrokerControlError.timedOut(.seconds(10)).description.contains("Hookcast's plugin loaded"))
    }

    /// As the MQTT client's publish to a stalled broker does: it waits for a PUBACK (its own timeout is 30 s)
    /// and ignores cancellation. The request still ends at its own timeout, the publish left to finish alone.
    @Test func aPublishWaitingForTheBrokerDoesNotHoldTheRequestPastItsTimeout() async throws {
        let transport = StalledTransport()
        let client = BrokerControlClient(transport: transport, timeout: .milliseconds(50))
        // Released by the test only, or after a minute: without the fix `send` would return only then.
        let release = Task {
            try? await Task.sleep(for: .seconds(60))
            transport.release()
        }
        await #expect(throws: BrokerControlError.timedOut(.milliseconds(50))) { try await client.send([.digest]) }
        #expect(transport.isPublishing, "the request waited for the publish to end")
        release.cancel()
        transport.release()
    }

    @Test func aFailedPublishEndsTheRequestAtOnceNamingWhy() async throws {
        let client = BrokerControlClient(transport: FailingTransport(), timeout: .seconds(60))
        await #expect(throws: BrokerControlError.publishFailed("not connected")) { try await client.send([.digest]) }
    }

    @Test func aClosingTransportEndsTheRequestsWaiting() async throws {
        let transport = ScriptedTransport()
        let client = BrokerControlClient(transport: transport, timeout: .seconds(60))
        let serving = Task { await client.run() }
        let waiting = Task { try await client.send([.digest]) }
        _ = await transport.waitForRequests(1)
        transport.close()
        await #expect(throws: BrokerControlError.closed) { try await waiting.value }
        await serving.value
    }

    @Test(arguments: [
        ("not json", "unreadable"),
        (#"{"results":[{"command":"request","error":"too large"}]}"#, "refused"),
        (#"{"results":[]}"#, "unreadable"),
        (#"{"results":[{"command":"endSync"}]}"#, "unreadable"),
    ])
    func answersThatAreNotOneAreErrors(body: String, expected: String) async throws {
        let transport = ScriptedTransport()
        let client = BrokerControlClient(transport: transport, timeout: .seconds(60))
        let serving = Task { await client.run() }
        async let waiting = client.send([.digest])
        let published = await transport.waitForRequests(1)
        transport.answer(correlationData: published[0].correlation, body)
        do {
            _ = try await waiting
            Issue.record("\(body) was taken for an answer")
        } catch let error as BrokerControlError {
            switch error {
            case .unreadableAnswer: #expect(expected == "unreadable")
            case .requestRefused(let reason): #expect(expected == "refused" && reason == "too large")
            default: Issue.record("\(error)")
            }
        }
        transport.close()
        await serving.value
    }
}

/// Keeps every request and answers only when the test says so.
private final class ScriptedTransport: BrokerControlTransport {
    private let published = Mutex<[(request: BrokerControlRequest, correlation: [UInt8])]>([])
    private let answers: AsyncStream<BrokerControlAnswer>
    private let answerContinuation: AsyncStream<BrokerControlAnswer>.Continuation
    private let arrivals: AsyncStream<Void>
    private let arrived: AsyncStream<Void>.Continuation

    init() {
        (answers, answerContinuation) = AsyncStream.makeStream(of: BrokerControlAnswer.self)
        (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
    }

    func publish(request payload: [UInt8], correlationData: [UInt8]) async throws {
        let request = try JSONDecoder().decode(BrokerControlRequest.self, from: Data(payload))
        published.withLock { $0.append((request, correlationData)) }
        arrived.yield()
    }

    func receiveAnswers(_ deliver: @Sendable (BrokerControlAnswer) -> Void) async {
        for await answer in answers { deliver(answer) }
    }

    /// Waits, without a clock, until `count` requests were published, and returns them.
    func waitForRequests(_ count: Int) async -> [(request: BrokerControlRequest, correlation: [UInt8])] {
        var iterator = arrivals.makeAsyncIterator()
        while published.withLock({ $0.count }) < count { _ = await iterator.next() }
        return published.withLock { $0 }
    }

    func answer(correlationData: [UInt8], _ body: String) {
        answerContinuation.yield(BrokerControlAnswer(correlationData: correlationData, payload: Array(body.utf8)))
    }

    func close() { answerContinuation.finish() }
}

/// A publish that waits, whatever cancellation says, until the test releases it.
private final class StalledTransport: BrokerControlTransport {
    private let state = Mutex<(publishing: Bool, released: Bool, waiting: [CheckedContinuation<Void, Never>])>(
        (false, false, []))

    var isPublishing: Bool { state.withLock { $0.publishing } }

    func publish(request payload: [UInt8], correlationData: [UInt8]) async throws {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                state.publishing = true
                if !state.released { state.waiting.append(continuation) }
                return state.released
            }
            if resumeNow { continuation.resume() }
        }
        state.withLock { $0.publishing = false }
    }

    func release() {
        let waiting = state.withLock { state in
            state.released = true
            defer { state.waiting = [] }
            return state.waiting
        }
        // Resumed outside the lock.
        for continuation in waiting { continuation.resume() }
    }

    func receiveAnswers(_ deliver: @Sendable (BrokerControlAnswer) -> Void) async {}
}

private struct FailingTransport: BrokerControlTransport {
    struct NotConnected: Error, CustomStringConvertible {
        var description: String { "not connected" }
    }

    func publish(request payload: [UInt8], correlationData: [UInt8]) async throws { throw NotConnected() }
    func receiveAnswers(_ deliver: @Sendable (BrokerControlAnswer) -> Void) async {}
}
