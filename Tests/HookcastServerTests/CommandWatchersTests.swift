import Foundation
import Synchronization
import Testing

@testable import HookcastServer

/// The `wait` option's wake-ups, without a gateway: a watch wakes for news, times out, and keeps working after a
/// timeout (it used to return at once for ever after its first timeout: the timed-out wait ended its stream).
@Suite struct CommandWatchersTests {
    @Test("News stored before the wait begins is not lost")
    func newsBeforeWaiting() async {
        let watchers = CommandWatchers()
        let command = UUID()
        let watch = watchers.watch(command)
        defer { watch.cancel() }
        watchers.notify([command])
        // An hour: only the news can end this wait.
        await watch.next(timeout: .seconds(3600))
    }

    @Test("After a timeout the watch still waits, and wakes for the next news")
    func waitsAgainAfterATimeout() async throws {
        let watchers = CommandWatchers()
        let command = UUID()
        let watch = watchers.watch(command)
        defer { watch.cancel() }
        await watch.next(timeout: .milliseconds(10))

        let returned = Atomic<Bool>(false)
        let waiting = Task {
            await watch.next(timeout: .seconds(3600))
            returned.store(true, ordering: .sequentiallyConsistent)
        }
        // Returning within this time would be the old behaviour; a slow machine can only make this pass wrongly.
        try await Task.sleep(for: .milliseconds(200))
        let endedEarly = returned.load(ordering: .sequentiallyConsistent)
        #expect(!endedEarly, "the wait ended with no news and no timeout")
        watchers.notify([command])
        await waiting.value
        let ended = returned.load(ordering: .sequentiallyConsistent)
        #expect(ended)
    }

    @Test("News for another command does not wake a watch")
    func otherCommandsNews() async throws {
        let watchers = CommandWatchers()
        let watched = UUID()
        let watch = watchers.watch(watched)
        defer { watch.cancel() }
        let returned = Atomic<Bool>(false)
        let waiting = Task {
            await watch.next(timeout: .seconds(3600))
            returned.store(true, ordering: .sequentiallyConsistent)
        }
        watchers.notify([UUID()])
        try await Task.sleep(for: .milliseconds(200))
        let woken = returned.load(ordering: .sequentiallyConsistent)
        #expect(!woken)
        watchers.notify([watched])
        await waiting.value
    }

    @Test("Cancelling the watch ends a wait in progress; the waiting task's cancellation ends it too")
    func cancellation() async {
        let watchers = CommandWatchers()
        let watch = watchers.watch(UUID())
        let waiting = Task { await watch.next(timeout: .seconds(3600)) }
        watch.cancel()
        await waiting.value

        let second = watchers.watch(UUID())
        defer { second.cancel() }
        let cancelled = Task { await second.next(timeout: .seconds(3600)) }
        cancelled.cancel()
        await cancelled.value
    }

    @Test("A wait hears how many answers the writer's batches stored since the last one, added up")
    func countedNews() async {
        let watchers = CommandWatchers()
        let command = UUID()
        let watch = watchers.watch(command)
        defer { watch.cancel() }
        watchers.notify(answers: [command: 3, UUID(): 7])
        watchers.notify(answers: [command: 2])
        let first = await watch.next(timeout: .seconds(3600))
        #expect(first == .init(answersAtMost: 5, uncounted: false))
        // Each `next` hears only what came after the previous one.
        watchers.notify(answers: [command: 1])
        let second = await watch.next(timeout: .seconds(3600))
        #expect(second == .init(answersAtMost: 1, uncounted: false))
        let timedOut = await watch.next(timeout: .milliseconds(10))
        #expect(timedOut == .init())
    }

    @Test("A notice without a count (another gateway's, notifyAll) makes the news uncounted")
    func uncountedNews() async {
        let watchers = CommandWatchers()
        let command = UUID()
        let watch = watchers.watch(command)
        defer { watch.cancel() }
        watchers.notify(answers: [command: 4])
        watchers.notify([command])
        let heard = await watch.next(timeout: .seconds(3600))
        #expect(heard.uncounted)
        watchers.notifyAll()
        let all = await watch.next(timeout: .seconds(3600))
        #expect(all.uncounted)
    }
}
