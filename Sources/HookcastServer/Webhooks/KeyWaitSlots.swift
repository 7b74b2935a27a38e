import Foundation
import Synchronization

/// How many `?wait` webhooks each API key holds open at once. A wait holds one of the server's concurrent-request
/// slots for up to 30 s, so without a cap per key one key holder could take them all (waiting on offline devices)
/// and every other key, the admin API and the console would get 503.
final class KeyWaitSlots: Sendable {
    private let held = Mutex<[UUID: Int]>([:])
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `body` in one of `key`'s slots; nil, at once and without running it, when the key holds `limit`.
    func withSlot<Result>(for key: UUID, _ body: () async -> Result) async -> Result? {
        guard acquire(key) else { return nil }
        defer { release(key) }
        return await body()
    }

    private func acquire(_ key: UUID) -> Bool {
        held.withLock { held in
            let count = held[key, default: 0]
            guard count < limit else { return false }
            held[key] = count + 1
            return true
        }
    }

    private func release(_ key: UUID) {
        held.withLock { held in
            let count = held[key, default: 0]
            // Removed at zero, so keys that waited once take no memory.
            held[key] = count > 1 ? count - 1 : nil
        }
    }
}
