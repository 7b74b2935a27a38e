import Foundation
import HookcastProtocol
import HookcastTestSupport

/// The memory figure: how much the broker's resident memory grows with an import of `devices` devices, on an open
/// broker without accounts and on the plugin's broker with them. The import grows the broker even without accounts
/// (each device's retained config), so the accounts' share is the difference.
struct BrokerMemoryGrowth {
    let hookcast: String
    let devices: Int
    let topics: Topics
    let work: URL
    let logs: URL

    struct Outcome {
        var withoutAccounts: Int
        var withAccounts: Int
        var importWithAccounts: Duration
    }

    func run() async throws -> Outcome {
        BenchLog.line("\(devices) devices without accounts, then with")
        let open = try await TestBroker(access: .open, topics: topics)
        let openGateway = try await AccountsGateway(
            name: "gateway-large-open", hookcast: hookcast, broker: open, accounts: .none, work: work, logs: logs)
        let without = try await Self.growth(of: open) { _ = try await openGateway.importDevices(1...devices) }
        await openGateway.stop()
        await open.stop()

        let secure = try await TestBroker(access: .secure, topics: topics)
        let login = try secure.gatewayCredentials
        let gateway = try await AccountsGateway(
            name: "gateway-large", hookcast: hookcast, broker: secure,
            accounts: .plugin(username: login.username, password: login.password), work: work, logs: logs)
        var took = Duration.zero
        let with = try await Self.growth(of: secure) { took = try await gateway.importDevices(1...devices).took }
        BenchLog.line("imported \(devices) with accounts in \(took)")
        await gateway.stop()
        await secure.stop()
        return Outcome(withoutAccounts: without, withAccounts: with, importWithAccounts: took)
    }

    /// How much the broker's resident memory grew while `body` ran, read once it settled: a journal compaction
    /// started by the import's last requests holds a copy of the table until it has written the snapshot (run 9
    /// read it 3 s after the import, with the copy still there: 371 bytes an account instead of 252).
    private static func growth(of broker: TestBroker, _ body: () async throws -> Void) async throws -> Int {
        let before = try memory(of: broker)
        try await body()
        let after = try await settledMemory(of: broker)
        BenchLog.line(
            "broker \(broker.port): resident \(before.resident / 1024) -> \(after.resident / 1024) KiB (anonymous "
                + "\(before.anonymous / 1024) -> \(after.anonymous / 1024), file \(before.file / 1024) -> "
                + "\(after.file / 1024))")
        return after.resident - before.resident
    }

    /// The broker's memory once four readings half a second apart agree within 64 KiB (at most 60 s).
    private static func settledMemory(of broker: TestBroker) async throws -> ResidentMemory {
        var readings: [ResidentMemory] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
            readings.append(try memory(of: broker))
            let recent = readings.suffix(4).map(\.resident)
            if recent.count == 4, let low = recent.min(), let high = recent.max(), high - low <= 64 * 1024 {
                return readings[readings.count - 1]
            }
        }
        BenchLog.line("the broker's memory did not settle within 60 s; using the last reading")
        return try readings.last ?? memory(of: broker)
    }

    private static func memory(of broker: TestBroker) throws -> ResidentMemory {
        guard let memory = broker.pid.flatMap(ResidentMemory.init(pid:)) else {
            throw BenchHTTP.Failure(description: "cannot read the broker's memory")
        }
        return memory
    }
}
