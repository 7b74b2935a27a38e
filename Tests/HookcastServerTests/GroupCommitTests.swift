import Foundation
import HookcastCore
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import HookcastServer

/// The group-commit writer without a store: batches, the item-by-item retry, and shutdown after what is queued.
@Suite struct GroupCommitTests {
    /// Records batches; a batch holding `poison` fails, as one bad row fails a multi-row insert.
    final class Recorder: Sendable {
        let batches = Mutex<[[Int]]>([])
        let singles = Mutex<[Int]>([])
        let poison: Int?

        init(poison: Int? = nil) { self.poison = poison }

        func commit() -> GroupCommit<Int> {
            GroupCommit(
                batch: { items in
                    if let poison = self.poison, items.contains(poison) { throw StoreError.conflict("poison") }
                    self.batches.withLock { $0.append(items) }
                },
                single: { item in
                    if item == self.poison { throw StoreError.conflict("poison") }
                    self.singles.withLock { $0.append(item) }
                })
        }
    }

    @Test("Concurrent writes all land, each caller returning once its own item is written")
    func concurrentWrites() async throws {
        let recorder = Recorder()
        let commit = recorder.commit()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for item in 0..<200 { group.addTask { try await commit.write(item) } }
            try await group.waitForAll()
        }
        let written = recorder.batches.withLock { $0.flatMap { $0 } }
        #expect(written.sorted() == Array(0..<200))
    }

    @Test("A failing batch is retried item by item: only the bad item fails")
    func poisonedBatch() async throws {
        let recorder = Recorder(poison: 3)
        let commit = recorder.commit()
        await #expect(throws: StoreError.conflict("poison")) { try await commit.write(3) }
        try await commit.write(4)
        let written = recorder.batches.withLock { $0.flatMap { $0 } } + recorder.singles.withLock { $0 }
        #expect(written.contains(4) && !written.contains(3))
    }

    @Test("At shutdown it writes what is queued, then refuses new writes")
    func shutdown() async throws {
        let recorder = Recorder()
        let commit = recorder.commit()
        await testGracefulShutdown { trigger in
            async let running: Void = commit.run()
            for item in 0..<50 { commit.submit(item) }
            trigger.triggerGracefulShutdown()
            await running
        }
        #expect(recorder.batches.withLock { $0.flatMap { $0 } }.sorted() == Array(0..<50))
        await #expect(throws: StoreError.self) { try await commit.write(99) }
    }
}
