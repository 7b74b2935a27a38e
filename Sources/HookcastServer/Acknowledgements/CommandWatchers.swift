import Foundation
import Synchronization

/// Lets a request wait for news about a command (the `wait` option of the webhook): the acknowledgement writer
/// calls `notify` after each batch it stored.
final class CommandWatchers: Sendable {
    private let watchers = Mutex<[UUID: [UInt64: AsyncStream<Void>.Continuation]]>([:])
    private let nextID = Atomic<UInt64>(0)

    /// Returns when an acknowledgement for `commandID` was stored, or when `timeout` has passed.
    func nextChange(of commandID: UUID, timeout: Duration) async {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextID.add(1, ordering: .relaxed).newValue
        watchers.withLock { $0[commandID, default: [:]][id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.watchers.withLock { watchers in
                watchers[commandID]?[id] = nil
                if watchers[commandID]?.isEmpty == true { watchers[commandID] = nil }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in stream { return }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        continuation.finish()
    }

    func notify(_ commandIDs: some Sequence<UUID>) {
        let continuations = watchers.withLock { watchers in
            commandIDs.flatMap { watchers[$0].map { Array($0.values) } ?? [] }
        }
        for continuation in continuations { continuation.yield() }
    }
}
