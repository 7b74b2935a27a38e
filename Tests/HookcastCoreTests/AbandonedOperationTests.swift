import Synchronization
import Testing

@testable import HookcastPostgres

/// `abandoningWhenClosed`: what a PostgreSQL call answers when its query may never answer. The stuck query is a
/// gate that ignores cancellation, as PostgresNIO's dropped query does; each test opens it at the end.
@Suite("An operation abandoned when its connection closes")
struct AbandonedOperationTests {
    @Test("An operation that answers is answered, closed connection or not")
    func answersAsTheOperationDoes() async throws {
        #expect(try await abandoningWhenClosed(isClosed: { false }) { 7 } == 7)
        let error = await #expect(throws: Refused.self) {
            try await abandoningWhenClosed(isClosed: { true }) { () async throws -> Int in throw Refused() }
        }
        #expect(error != nil)
    }

    @Test("A stuck operation on a connection that closed is abandoned and cancelled")
    func stuckOnAClosedConnection() async throws {
        let gate = Gate()
        let closed = Flag()
        let abandoned = Task {
            try await abandoningWhenClosed(
                isClosed: { closed.value }, checkInterval: .milliseconds(10), closedGrace: .milliseconds(50)
            ) { await gate.wait() }
        }
        try await gate.waitUntilEntered()
        closed.set()
        await #expect(throws: AbandonedOperation.connectionClosed) { try await abandoned.value }
        try await gate.waitUntilCancelled()
        gate.open()
    }

    @Test("A stuck operation past its limit is abandoned and cancelled, the connection open")
    func stuckPastItsLimit() async throws {
        let gate = Gate()
        await #expect(throws: AbandonedOperation.deadlinePassed) {
            try await abandoningWhenClosed(
                isClosed: { false }, limit: .milliseconds(100), checkInterval: .milliseconds(10)
            ) { await gate.wait() }
        }
        try await gate.waitUntilCancelled()
        gate.open()
    }

    @Test("Cancelling the caller cancels the operation, whose answer the caller gets")
    func cancellingTheCallerCancelsTheOperation() async throws {
        let gate = Gate()
        let call = Task {
            try await abandoningWhenClosed(isClosed: { false }) { () async throws -> Int in
                await gate.wait()
                try Task.checkCancellation()
                return 1
            }
        }
        try await gate.waitUntilEntered()
        call.cancel()
        try await gate.waitUntilCancelled()
        gate.open()
        await #expect(throws: CancellationError.self) { try await call.value }
    }
}

private struct Refused: Error {}

private final class Flag: Sendable {
    private let state = Mutex(false)
    var value: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}

/// Waits, ignoring cancellation, until opened; notes that it was entered and whether its task was cancelled.
private final class Gate: Sendable {
    private struct State {
        var entered = false
        var cancelled = false
        var opened = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let openAlready = state.withLock { state -> Bool in
                    state.entered = true
                    if state.opened { return true }
                    state.waiter = continuation
                    return false
                }
                if openAlready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.cancelled = true }
        }
    }

    func open() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.opened = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func waitUntilEntered() async throws { try await waitUntil { $0.entered } }
    func waitUntilCancelled() async throws { try await waitUntil { $0.cancelled } }

    private func waitUntil(_ condition: @escaping @Sendable (State) -> Bool) async throws {
        while !state.withLock({ condition($0) }) { try await Task.sleep(for: .milliseconds(5)) }
    }
}
