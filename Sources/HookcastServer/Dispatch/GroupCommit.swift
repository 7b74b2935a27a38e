import HookcastCore
import ServiceLifecycle
import Synchronization

/// Group commit: writes that arrive while one is under way are done together in the next transaction, so the
/// synchronous disk write is paid once per batch, not once per request. Each caller returns only when its own
/// item is written. A batch that fails is retried item by item, so one bad item cannot fail the others.
///
/// The writer is a task started when a write arrives and none is running (a long-lived writer woken through a
/// stream cost the webhook path measurably: `scripts/bench`'s latency with history went from 10–15 to 50–80 ms
/// p50). As a `Service` in the gateway's group, ahead of the store in shutdown order, it lets the writer finish
/// what is queued before the store closes; a write that arrives after that fails at once.
final class GroupCommit<Item: Sendable>: Service, Sendable {
    private struct Pending {
        /// A nil continuation: submitted without waiting (`submit`).
        var waiting: [(Item, CheckedContinuation<Void, any Error>?)] = []
        var writing = false
        var stopped = false
        /// Shutdown waiting for the writer to finish.
        var drained: CheckedContinuation<Void, Never>?
    }

    private let writeBatch: @Sendable ([Item]) async throws -> Void
    private let writeOne: @Sendable (Item) async throws -> Void
    private let pending = Mutex(Pending())

    init(
        batch writeBatch: @escaping @Sendable ([Item]) async throws -> Void,
        single writeOne: @escaping @Sendable (Item) async throws -> Void
    ) {
        self.writeBatch = writeBatch
        self.writeOne = writeOne
    }

    func write(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enqueue(item, continuation)
        }
    }

    /// Queues `item` for the next batch without waiting for it: for writes whose loss costs only a repeat.
    func submit(_ item: Item) {
        enqueue(item, nil)
    }

    /// Until graceful shutdown; then refuses new writes and returns once the writer wrote what was queued.
    func run() async {
        try? await gracefulShutdown()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = pending.withLock { pending -> Bool in
                pending.stopped = true
                guard pending.writing else { return true }
                pending.drained = continuation
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func enqueue(_ item: Item, _ continuation: CheckedContinuation<Void, any Error>?) {
        let outcome = pending.withLock { pending -> EnqueueOutcome in
            guard !pending.stopped else { return .refused }
            pending.waiting.append((item, continuation))
            defer { pending.writing = true }
            return pending.writing ? .queued : .startWriter
        }
        switch outcome {
        case .queued: break
        case .startWriter: Task { await self.writeAll() }
        case .refused: continuation?.resume(throwing: StoreError.unavailable("the gateway is shutting down"))
        }
    }

    private enum EnqueueOutcome { case queued, startWriter, refused }

    /// Writes batches until nothing waits; one writer at a time.
    private func writeAll() async {
        while true {
            let (batch, drained) = pending.withLock { pending in
                defer { pending.waiting.removeAll(keepingCapacity: true) }
                var drained: CheckedContinuation<Void, Never>?
                if pending.waiting.isEmpty {
                    pending.writing = false
                    drained = pending.drained
                    pending.drained = nil
                }
                return (pending.waiting, drained)
            }
            guard !batch.isEmpty else {
                drained?.resume()
                return
            }
            do {
                try await writeBatch(batch.map(\.0))
                for (_, continuation) in batch { continuation?.resume() }
            } catch {
                for (item, continuation) in batch {
                    do {
                        try await writeOne(item)
                        continuation?.resume()
                    } catch {
                        continuation?.resume(throwing: error)
                    }
                }
            }
        }
    }
}

extension GroupCommit where Item == Command {
    /// New commands, stored together.
    convenience init(inserting commands: any CommandRepository) {
        self.init(batch: { try await commands.insert($0) }, single: { try await commands.insert($0) })
    }
}
