import Foundation
import Testing

@testable import HookcastServer

/// The per-key cap on waiting webhooks, without HTTP: a slot is held exactly while its body runs.
@Suite struct KeyWaitSlotsTests {
    @Test("A key past its limit is refused at once; other keys are not; a finished wait gives its slot back")
    func perKeyLimit() async {
        let slots = KeyWaitSlots(limit: 1)
        let (waiting, other) = (UUID(), UUID())
        let (entered, enter) = AsyncStream<Void>.makeStream()
        let (finish, finished) = AsyncStream<Void>.makeStream()
        async let held = slots.withSlot(for: waiting) { () async -> Int in
            enter.yield()
            for await _ in finish { break }
            return 1
        }
        for await _ in entered { break }
        #expect(await slots.withSlot(for: waiting) { 2 } == nil)
        #expect(await slots.withSlot(for: other) { 3 } == 3)
        finished.yield()
        #expect(await held == 1)
        #expect(await slots.withSlot(for: waiting) { 4 } == 4)
    }
}
