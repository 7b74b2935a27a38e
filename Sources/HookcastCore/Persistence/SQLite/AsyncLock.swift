/// A first-come, first-served lock for async code. An actor alone is not enough: it is re-entrant at every `await`,
/// and a transaction spans several awaited statements on the one shared connection.
actor AsyncLock {
    private var isHeld = false
    private var isClosed = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Waits for the lock; throws once the database is closed (releasing the lock again).
    func acquire() async throws(StoreError) {
        if isHeld {
            // `release()` hands the lock straight to the first waiter, so `isHeld` stays true.
            await withCheckedContinuation { waiters.append($0) }
        } else {
            isHeld = true
        }
        if isClosed {
            release()
            throw .unavailable("The database is closed.")
        }
    }

    func release() {
        if waiters.isEmpty {
            isHeld = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Called with the lock held; every later `acquire()` fails.
    func markClosed() {
        isClosed = true
    }
}
