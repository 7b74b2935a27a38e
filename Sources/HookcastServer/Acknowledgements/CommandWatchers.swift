import Foundation
import Synchronization

/// Lets a request wait for news about a command (the `wait` option of the webhook): the acknowledgement writer
/// calls `notify` after each batch it stored.
final class CommandWatchers: Sendable {
    /// Interest in one command, registered before the caller reads the command's state: a batch stored between
    /// that read and the wait still wakes it. (Registering only when starting to wait lost exactly that batch, and
    /// a broadcast whose last acknowledgements landed in the gap waited out its whole timeout.)
    struct Watch: Sendable {
        fileprivate let stream: AsyncStream<Void>
        fileprivate let continuation: AsyncStream<Void>.Continuation

        /// Returns when an acknowledgement was stored since `watch` (or the last `next`), or after `timeout`.
        func next(timeout: Duration) async {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in stream { return }
                }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
            }
        }

        func cancel() {
            continuation.finish()
        }
    }

    private let watchers = Mutex<[UUID: [UInt64: AsyncStream<Void>.Continuation]]>([:])
    private let nextID = Atomic<UInt64>(0)

    func watch(_ commandID: UUID) -> Watch {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextID.add(1, ordering: .relaxed).newValue
        watchers.withLock { $0[commandID, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.watchers.withLock { watchers in
                watchers[commandID]?[id] = nil
                if watchers[commandID]?.isEmpty == true { watchers[commandID] = nil }
            }
        }
        return Watch(stream: stream, continuation: continuation)
    }

    func notify(_ commandIDs: some Sequence<UUID>) {
        let continuations = watchers.withLock { watchers in
            commandIDs.flatMap { watchers[$0].map { Array($0.values) } ?? [] }
        }
        for continuation in continuations { continuation.yield() }
    }
}
