import HookcastBrokerAccess
import Testing

/// When the broker's thread starts a due compaction: after a pause in the changes, or at once when overdue.
@Suite("Compaction schedule")
struct CompactionScheduleTests {
    let start = ContinuousClock.now

    @Test("a due compaction waits until changes have paused for the quiet period, then starts once")
    func dueWaitsForAPause() {
        var schedule = CompactionSchedule()
        let startsOnChange = schedule.changed(.due, at: start)
        #expect(!startsOnChange && schedule.isWaiting)
        let early = schedule.tick(at: start + .milliseconds(150))
        // Another change moves the pause on.
        let startsOnSecondChange = schedule.changed(.due, at: start + .milliseconds(150))
        let beforePause = schedule.tick(at: start + .milliseconds(300))
        let afterPause = schedule.tick(at: start + .milliseconds(350))
        let waitingAfterwards = schedule.isWaiting
        let again = schedule.tick(at: start + .seconds(5))
        #expect(!early && !startsOnSecondChange && !beforePause)
        #expect(afterPause && !waitingAfterwards && !again)
    }

    @Test("an overdue compaction starts at once, and a change that needs none ends the wait")
    func overdueAndNone() {
        var schedule = CompactionSchedule()
        _ = schedule.changed(.due, at: start)
        let overdue = schedule.changed(.overdue, at: start + .milliseconds(10))
        let waitingAfterOverdue = schedule.isWaiting
        _ = schedule.changed(.due, at: start + .milliseconds(20))
        // A compaction started meanwhile (or one failed lately): nothing is due any more.
        let none = schedule.changed(.none, at: start + .milliseconds(30))
        let waitingAfterNone = schedule.isWaiting
        let later = schedule.tick(at: start + .seconds(1))
        #expect(overdue && !waitingAfterOverdue)
        #expect(!none && !waitingAfterNone && !later)
    }
}
