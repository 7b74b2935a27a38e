import Testing

@testable import Mosquitto

@Suite("The bound on publishes in flight")
struct InFlightLimiterTests {
    /// Returns once `limiter` has `count` callers waiting; no clock involved.
    private func waitUntil(_ limiter: InFlightLimiter, hasWaiting count: Int) async {
        while limiter.waitingCount != count { await Task.yield() }
    }

    @Test("callers up to the limit go at once; the next waits until a slot is released")
    func limit() async {
        let limiter = InFlightLimiter(limit: 2)
        await limiter.acquire()
        await limiter.acquire()
        #expect(limiter.waitingCount == 0)
        let third = Task { await limiter.acquire() }
        await waitUntil(limiter, hasWaiting: 1)
        limiter.release()
        await third.value
        #expect(limiter.waitingCount == 0)
    }

    @Test("waiters get slots in the order they arrived")
    func firstComeFirstServed() async {
        let limiter = InFlightLimiter(limit: 1)
        await limiter.acquire()
        let order = Order()
        let first = Task {
            await limiter.acquire()
            await order.append(1)
        }
        await waitUntil(limiter, hasWaiting: 1)
        let second = Task {
            await limiter.acquire()
            await order.append(2)
        }
        await waitUntil(limiter, hasWaiting: 2)
        limiter.release()
        await first.value
        #expect(limiter.waitingCount == 1)
        #expect(await order.values == [1])
        limiter.release()
        await second.value
        #expect(await order.values == [1, 2])
    }

    @Test("a release with nobody waiting frees a slot for the next caller")
    func releaseWithoutWaiters() async {
        let limiter = InFlightLimiter(limit: 1)
        await limiter.acquire()
        limiter.release()
        await limiter.acquire()
        #expect(limiter.waitingCount == 0)
    }

    @Test("thousands of waiters all get through, past the compaction of the queue")
    func manyWaiters() async {
        let limiter = InFlightLimiter(limit: 1)
        await limiter.acquire()
        let count = 3000
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                group.addTask {
                    await limiter.acquire()
                    limiter.release()
                }
            }
            await waitUntil(limiter, hasWaiting: count)
            limiter.release()
        }
        #expect(limiter.waitingCount == 0)
        await limiter.acquire()
    }
}

private actor Order {
    var values: [Int] = []
    func append(_ value: Int) { values.append(value) }
}
