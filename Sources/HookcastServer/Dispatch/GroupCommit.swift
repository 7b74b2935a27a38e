import HookcastCore
import ServiceLifecycle
import Synchronization

/// Group commit: writes that arrive while one is under way are done together in the next transaction, so the
/// synchronous disk write is paid once per batch, not once per request. Each caller returns only when its own
/// item is written. A batch that fails is retried item by item, so one bad item cannot fail the others.
///
/// The writer is a `Service`: it runs in the gateway's service group, ahead of the store in shutdown order, so it
/// writes what is still queued before the store closes. A write queued after it stopped fails at once.
final class GroupCommit<Item: Sendable>: Service, Sendable {
    private struct Pending {
        /// A nil continuation: submitted without waiting (`submit`).
        var waiting: [(Item, CheckedContinuation<Void, any Error>?)] = []
        var stopped = false
    }

    private let writeBatch: @Sendable ([Item]) async throws -> Void
    private let writeOne: @Sendable (Item) async throws -> Void
    private let pending = Mutex(Pending())
    /// Wakes the writer; one buffered wake-up stands for any number of queued items.
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init(
        batch writeBatch: @escaping @Sendable ([Item]) async throws -> Void,
        single writeOne: @escaping @Sendable (Item) async throws -> Void
    ) {
        self.writeBatch = writeBatch
        self.writeOne = writeOne
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
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

    /// Writes batches as they come until graceful shutdown, then what is still queued.
    func run() async {
        await withGracefulShutdownHandler {
            for await _ in wakeups { await writeAll() }
        } onGracefulShutdown: {
            self.wake.finish()
        }
        let left = pending.withLock { pending in
            pending.stopped = true
            defer { pending.waiting.removeAll() }
            return pending.waiting
        }
        await write(left)
    }

    private func enqueue(_ item: Item, _ continuation: CheckedContinuation<Void, any Error>?) {
        let accepted = pending.withLock { pending -> Bool in
            guard !pending.stopped else { return false }
            pending.waiting.append((item, continuation))
            return true
        }
        guard accepted else {
            continuation?.resume(throwing: StoreError.unavailable("the gateway is shutting down"))
            return
        }
        wake.yield()
    }

    /// Writes batches until nothing waits.
    private func writeAll() async {
        while true {
            let batch = pending.withLock { pending in
                defer { pending.waiting.removeAll(keepingCapacity: true) }
                return pending.waiting
            }
            guard !batch.isEmpty else { return }
            await write(batch)
        }
    }

    private func write(_ batch: [(Item, CheckedContinuation<Void, any Error>?)]) async {
        guard !batch.isEmpty else { return }
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

extension GroupCommit where Item == Command {
    /// New commands, stored together.
    convenience init(inserting commands: any CommandRepository) {
        self.init(batch: { try await commands.insert($0) }, single: { try await commands.insert($0) })
    }
}
