import Synchronization

/// Runs work for one key strictly after the work queued before it for the same key. For device configs: a
/// retained config read from the store earlier can then never reach the broker after one read later (without it,
/// the re-publication on connect could overwrite a membership change made meanwhile with the stale list). For
/// broker accounts: a reconciliation never interleaves with an account being created.
actor KeyedSequencer<Key: Hashable & Sendable> {
    private var tails: [Key: (id: UInt64, task: Task<Void, Never>)] = [:]
    private var nextID: UInt64 = 0

    /// Queues `work` behind the key's earlier work and waits for it to finish.
    func run(for key: Key, _ work: @escaping @Sendable () async -> Void) async {
        let previous = tails[key]?.task
        nextID += 1
        let id = nextID
        let task = Task {
            await previous?.value
            await work()
        }
        tails[key] = (id, task)
        await task.value
        if tails[key]?.id == id { tails[key] = nil }
    }

    /// `run`, for work that returns a value or throws.
    func run<Value: Sendable, Failure: Error>(
        for key: Key, _ work: @escaping @Sendable () async throws(Failure) -> Value
    ) async throws(Failure) -> Value {
        let result = Mutex<Result<Value, Failure>?>(nil)
        await run(for: key) {
            let outcome: Result<Value, Failure>
            do throws(Failure) {
                outcome = .success(try await work())
            } catch {
                outcome = .failure(error)
            }
            result.withLock { $0 = outcome }
        }
        guard let outcome = result.withLock({ $0 }) else {
            preconditionFailure("run(for:) returned before its work ran")
        }
        return try outcome.get()
    }
}
