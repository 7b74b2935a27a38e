import Synchronization

/// Answers of a repository's reads, kept until the next write through the same repository. A write bumps the
/// generation after it is stored, and a read that started before it does not put its (maybe older) answer in the
/// cache: so once a write has returned, every later read sees it.
///
/// For a store nothing else writes to (the data directory lock guarantees that for SQLite), or whose other writers
/// say what they wrote (`StoreNotice.recordsChanged`, from gateways sharing a PostgreSQL database), which
/// `invalidate` then forgets a moment later.
final class ReadCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var generation = 0
        var entries: [Key: Value] = [:]
    }

    private let state = Mutex(State())
    /// Past this many entries the cache starts again, so a flood of distinct misses (random API keys, say) cannot
    /// grow it without bound.
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func value(for key: Key, load: () async throws -> Value) async throws -> Value {
        let (cached, generation) = state.withLock { ($0.entries[key], $0.generation) }
        if let cached { return cached }
        let loaded = try await load()
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = loaded
        }
        return loaded
    }

    /// The values of `keys`: the cached ones, and the others from one `load` of just those (which must answer
    /// each key it is given).
    func values(for keys: [Key], load: ([Key]) async throws -> [Key: Value]) async throws -> [Key: Value] {
        var found: [Key: Value] = [:]
        var missing: [Key] = []
        let generation = state.withLock { state in
            for key in keys {
                if let cached = state.entries[key] { found[key] = cached } else { missing.append(key) }
            }
            return state.generation
        }
        guard !missing.isEmpty else { return found }
        let loaded = try await load(missing)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count + loaded.count > capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries.merge(loaded) { _, new in new }
        }
        return found.merging(loaded) { _, new in new }
    }

    /// Runs a write, then forgets every answer, also when the write failed (it may have been stored anyway).
    func writing<T>(_ write: () async throws -> T) async throws -> T {
        defer { invalidate() }
        return try await write()
    }

    func invalidate() {
        state.withLock { state in
            state.generation += 1
            state.entries.removeAll()
        }
    }
}
