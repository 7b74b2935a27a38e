import Foundation
import HookcastPostgresTestSupport
import HookcastTestSupport
import Synchronization
import Testing

@testable import HookcastCore
@testable import HookcastPostgres

/// A fast shutdown of the server in the middle of writes, three times over, on a server of the test's own.
/// PostgresNIO drops a query sent as its connection closes without ever answering it (`abandoningWhenClosed`), so
/// before these calls were abandoned some never returned, and the coordinating connection stayed stuck: its
/// gateway never led again and never stopped.
@Suite("PostgreSQL store: the server stopped under writes")
struct PostgresServerStopTests {
    @Test("Every call in flight when the server stops answers, and the gateway leads again each time it is back")
    func everyCallAnswersAndTheLeadComesBack() async throws {
        let postgres = try await TestPostgres()
        let gateway = try await SharingGateway.start(try postgres.location)
        try await SharingGateway.waitUntilOneLeads([gateway])
        let writers = Writers(store: gateway.store)
        let writing = Task { await writers.run(count: 12) }

        for round in 1...3 {
            try await writers.waitForSuccesses(atLeast: 200 * round)
            await postgres.stop()
            try await Task.sleep(for: .seconds(1))
            try await postgres.start()
            try await gateway.waitFor("leading again after stop \(round)") {
                $0.leadership.count(where: { $0 }) == round + 1
            }
        }
        try await writers.waitForSuccesses(atLeast: 200 * 4)
        writers.finish()
        try await withTimeout(.seconds(30), "every writer's last call answered") { await writing.value }
        #expect(writers.failures > 0, "the stops failed no call: the test did not stop the server under writes")
        try await withTimeout(.seconds(30), "the gateway stopped") { await gateway.stop() }
    }
}

/// Tasks inserting devices one after another until told to finish, counting what succeeded and what failed.
private final class Writers: Sendable {
    private struct Counts {
        var successes = 0
        var failures = 0
        var finished = false
    }

    private let store: PostgresStore
    private let counts = Mutex(Counts())

    init(store: PostgresStore) { self.store = store }

    var failures: Int { counts.withLock { $0.failures } }

    func finish() { counts.withLock { $0.finished = true } }

    func run(count: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<count {
                group.addTask {
                    var next = 0
                    while !self.counts.withLock({ $0.finished }) {
                        next += 1
                        do {
                            let id = try deviceID("w\(writer)-\(next)")
                            try await self.store.devices.insert(Device(id: id, name: "W", createdAt: referenceDate))
                            self.counts.withLock { $0.successes += 1 }
                        } catch {
                            self.counts.withLock { $0.failures += 1 }
                            try? await Task.sleep(for: .milliseconds(50))
                        }
                    }
                }
            }
        }
    }

    func waitForSuccesses(atLeast wanted: Int) async throws {
        try await withTimeout(.seconds(30), "\(wanted) devices written") {
            while self.counts.withLock({ $0.successes }) < wanted { try await Task.sleep(for: .milliseconds(20)) }
        }
    }
}
