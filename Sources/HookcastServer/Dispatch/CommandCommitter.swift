import HookcastCore
import Synchronization

/// Group commit for webhook commands: requests that arrive while a write is under way are stored together in
/// the next transaction, so durability (one synchronous disk write per transaction) is paid once per batch, not
/// once per request. Each caller returns only when its own command is on disk.
final class CommandCommitter: Sendable {
    private struct Pending {
        var waiting: [(Command, CheckedContinuation<Void, any Error>)] = []
        var writing = false
    }

    private let commands: any CommandRepository
    private let pending = Mutex(Pending())

    init(commands: any CommandRepository) {
        self.commands = commands
    }

    func insert(_ command: Command) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startWriter = pending.withLock { pending in
                pending.waiting.append((command, continuation))
                defer { pending.writing = true }
                return !pending.writing
            }
            if startWriter { Task { await self.writeAll() } }
        }
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
                try await commands.insert(batch.map(\.0))
                for (_, continuation) in batch { continuation.resume() }
            } catch {
                // One bad command must not fail the others: store them one by one, each with its own answer.
                for (command, continuation) in batch {
                    do {
                        try await commands.insert(command)
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        }
    }
}
