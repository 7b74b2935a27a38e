import Foundation
import Synchronization

/// Lets a request wait for news about a command (the `wait` option of the webhook): the acknowledgement writer
/// calls `notify` after each batch it stored.
final class CommandWatchers: Sendable {
    /// Interest in one command, registered before the caller reads the command's state: a batch stored between
    /// that read and the wait still wakes it. (Registering only when starting to wait lost exactly that batch, and
    /// a broadcast whose last acknowledgements landed in the gap waited out its whole timeout.)
    final class Watch: Sendable {
        /// What arrived since the last `next`: how many answers were stored for the command, at most, where every
        /// notice said; `uncounted` when one did not (another gateway's notice, a cancel, `notifyAll`).
        struct News: Sendable, Equatable {
            var answersAtMost = 0
            var uncounted = false
        }

        private struct State {
            /// News arrived that no `next` has returned for yet.
            var signalled = false
            var news = News()
            /// The caller of `next`, while it waits; `attempt` tells its timeout from a later call's.
            var waiter: (attempt: UInt64, continuation: CheckedContinuation<Void, Never>)?
            var attempts: UInt64 = 0
            /// The attempt whose timeout passed before it started waiting (a zero timeout, a cancelled task).
            var expiredAttempt: UInt64 = 0
            var cancelled = false
        }

        private let state = Mutex(State())
        fileprivate let stopWatching: @Sendable () -> Void

        fileprivate init(stopWatching: @escaping @Sendable () -> Void) {
            self.stopWatching = stopWatching
        }

        /// Returns when an acknowledgement was stored since `watch` (or the last `next`), after `timeout`, or when
        /// the calling task is cancelled, with what was heard since the last call. Every call waits afresh: a
        /// timeout does not end the watch.
        @discardableResult
        func next(timeout: Duration) async -> News {
            let attempt = state.withLock { state -> UInt64 in
                state.attempts += 1
                return state.attempts
            }
            await withTaskGroup(of: Void.self) { group in
                // Cancelled once news arrived; a cancelled or finished sleep ends this attempt's wait either way.
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    self.wake(attempt)
                }
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.signalled {
                            state.signalled = false
                            return true
                        }
                        if state.cancelled || state.expiredAttempt == attempt { return true }
                        state.waiter = (attempt, continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
                group.cancelAll()
            }
            return state.withLock { state in
                defer { state.news = News() }
                return state.news
            }
        }

        /// No more news wanted; a waiting `next` returns.
        func cancel() {
            stopWatching()
            state.withLock { state in
                state.cancelled = true
                defer { state.waiter = nil }
                return state.waiter?.continuation
            }?.resume()
        }

        /// `answers`: how many answers to the command the notice's batch stored, if it says.
        fileprivate func signal(answers: Int?) {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let answers { state.news.answersAtMost += answers } else { state.news.uncounted = true }
                guard let waiter = state.waiter else {
                    state.signalled = true
                    return nil
                }
                state.waiter = nil
                return waiter.continuation
            }
            waiter?.resume()
        }

        private func wake(_ attempt: UInt64) {
            state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiter, waiter.attempt == attempt else {
                    state.expiredAttempt = attempt
                    return nil
                }
                state.waiter = nil
                return waiter.continuation
            }?.resume()
        }
    }

    private let watchers = Mutex<[UUID: [UInt64: Watch]]>([:])
    private let nextID = Atomic<UInt64>(0)
    /// Told of every notice as well, watched or not (the delivery reports wait for their commands this way).
    private let observer: (@Sendable (_ commandIDs: [UUID]?) -> Void)?

    /// `observer` hears each `notify` with its ids and each `notifyAll` with nil.
    init(observer: (@Sendable (_ commandIDs: [UUID]?) -> Void)? = nil) {
        self.observer = observer
    }

    func watch(_ commandID: UUID) -> Watch {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let watch = Watch { [weak self] in
            self?.watchers.withLock { watchers in
                watchers[commandID]?[id] = nil
                if watchers[commandID]?.isEmpty == true { watchers[commandID] = nil }
            }
        }
        watchers.withLock { $0[commandID, default: [:]][id] = watch }
        return watch
    }

    /// Wakes every watch: news may have been missed (`StoreNotice.resumed`), and each waiter looks again.
    func notifyAll() {
        observer?(nil)
        for watch in watchers.withLock({ $0.values.flatMap(\.values) }) { watch.signal(answers: nil) }
    }

    /// News of these commands, with no count of answers (another gateway's notice, a cancel).
    func notify(_ commandIDs: some Sequence<UUID>) {
        notify(commandIDs.map { ($0, nil) })
    }

    /// The acknowledgement writer's notice: how many answers to each command its batch stored. A count is at
    /// least the rows the batch added (a device answering twice is counted twice), so a waiter can add them up
    /// instead of counting the command's rows after every batch.
    func notify(answers: [UUID: Int]) {
        notify(answers.map { ($0.key, $0.value) })
    }

    private func notify(_ notices: [(commandID: UUID, answers: Int?)]) {
        if let observer { observer(notices.map(\.commandID)) }
        let notified = watchers.withLock { watchers in
            notices.flatMap { notice in
                (watchers[notice.commandID]?.values).map { $0.map { ($0, notice.answers) } } ?? []
            }
        }
        for (watch, answers) in notified { watch.signal(answers: answers) }
    }
}
