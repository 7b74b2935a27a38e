import HookcastCore
import Synchronization

/// Group commit: writes that arrive while one is under way are done together in the next transaction, so the
/// synchronous disk write is paid once per batch, not once per request. Each caller returns only when its own
/// item is written. A batch that fails is retried item by item, so one bad item cannot fail the others.
final class GroupCommit<Item: Sendable>: Sendable {
    private struct Pending {
        /// A nil continuation: submitted without waiting (`submit`).
        var waiting: [(Item, CheckedContinuation<Void, any Error>?)] = []
        var writing = false
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

    private func enqueue(_ item: Item, _ continuation: CheckedContinuation<Void, any Error>?) {
        let startWriter = pending.withLock { pending in
            pending.waiting.append((item, continuation))
            defer { pending.writing = true }
            return !pending.writing
        }
        if startWriter { Task { await self.writeAll() } }
    }

    /// Writes batches until nothing waits; one writer at a time.
    private func writeAll() async {
        while true {
            let batch = pending.withLock { pending in
                defer { pending.waiting.removeAll(keepingCapacity: true) }
                if pending.waiting.isEmpty { pending.writing = false }
                return pending.waiting
            }
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
}

extension GroupCommit where Item == Command {
    /// New commands, stored together.
    convenience init(inserting commands: any CommandRepository) {
        self.init(batch: { try await commands.insert($0) }, single: { try await commands.insert($0) })
    }
}
