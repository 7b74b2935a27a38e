import HookcastProtocol

extension PluginDeviceAccounts {
    /// Requests of a bulk change awaiting their answers at once. One at a time, the 100 requests of a
    /// 10,000-device import took 51–79 ms of round trips; eight in flight, 39–49 ms (bench/README.md, "Runs
    /// 22–26"). The plugin still handles them one after another, one per turn of the broker's loop, so a client's
    /// message waits for at most one request's work, not for the window.
    static let requestsInFlight = 8

    /// Sends each request, up to `requestsInFlight` at a time, and checks every answer; the first failure ends
    /// the call (requests not yet sent are not sent). Answers come in any order; the broker applies the requests
    /// in the order sent, which for bulk changes of distinct devices does not matter.
    func sendAll(_ requests: [[BrokerControlCommand]]) async throws(BrokerAccountError) {
        let failure = await withTaskGroup(of: BrokerAccountError?.self) { group -> BrokerAccountError? in
            var next = requests.startIndex
            func startNext() {
                guard next < requests.endIndex else { return }
                let request = requests[next]
                next += 1
                group.addTask { await self.failure(sending: request) }
            }
            for _ in 0..<Self.requestsInFlight { startNext() }
            while let answered = await group.next() {
                if let answered {
                    group.cancelAll()
                    return answered
                }
                startNext()
            }
            return nil
        }
        if let failure { throw failure }
    }

    private func failure(sending request: [BrokerControlCommand]) async -> BrokerAccountError? {
        do throws(BrokerAccountError) {
            try Self.check(try await send(request))
            return nil
        } catch {
            return error
        }
    }
}
