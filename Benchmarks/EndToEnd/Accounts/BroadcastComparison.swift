import Foundation
import HookcastProtocol
import HookcastTestSupport

/// The broadcast figure: an open broker and the plugin's broker, each with its gateway and `devices` simulated
/// devices online at the same time, broadcast to in turns (`repetitions` each, the side that goes first switching
/// every round), so a change in the shared machine's load falls on both sides alike. The median of each side.
struct BroadcastComparison {
    let hookcast: String
    let devices: Int
    let repetitions: Int
    let topics: Topics
    let work: URL
    let logs: URL

    struct Side {
        let gateway: AccountsGateway
        let broker: TestBroker
        let presence: PresenceCounter
        let fleet: BenchFleet
        var seconds: [Double] = []
        /// The broker's CPU time during each broadcast: what the plugin's access checks add, without the spread of
        /// a duration on a machine that also runs both fleets and gateways.
        var brokerCPUMilliseconds: [Double] = []
        var complete = true

        var median: Double { Self.median(seconds) }
        var medianBrokerCPUMilliseconds: Double { Self.median(brokerCPUMilliseconds) }

        private static func median(_ values: [Double]) -> Double {
            values.isEmpty ? .nan : values.sorted()[values.count / 2]
        }
    }

    func run() async throws -> (open: Side, plugin: Side) {
        BenchLog.line("broadcasts: an open broker and one with the plugin, \(devices) devices on each, in turns")
        var open = try await openSide()
        var plugin = try await pluginSide()
        for round in 0..<repetitions {
            for side in round % 2 == 0 ? [0, 1] : [1, 0] {
                if side == 0 { try await broadcast(&open) } else { try await broadcast(&plugin) }
            }
        }
        for side in [open, plugin] {
            await side.fleet.stop()
            await side.presence.stop()
            await side.gateway.stop()
            await side.broker.stop()
        }
        return (open, plugin)
    }

    private func broadcast(_ side: inout Side) async throws {
        let cpuBefore = side.broker.pid.flatMap(ProcessCPUTime.milliseconds(of:))
        let answer = try await side.gateway.broadcast(event: "bench-all", devices: devices)
        let cpuAfter = side.broker.pid.flatMap(ProcessCPUTime.milliseconds(of:))
        var brokerCPU = "?"
        if let cpuBefore, let cpuAfter {
            side.brokerCPUMilliseconds.append(cpuAfter - cpuBefore)
            brokerCPU = String(format: "%.0f", cpuAfter - cpuBefore)
        }
        BenchLog.line(
            "\(side.gateway.name): broadcast to \(devices) in \(answer.took), complete: \(answer.complete), "
                + "broker CPU \(brokerCPU) ms")
        side.seconds.append(answer.took.seconds)
        side.complete = side.complete && answer.complete
        try await Task.sleep(for: .seconds(2))
    }

    private func openSide() async throws -> Side {
        let broker = try await TestBroker(access: .open, topics: topics)
        let gateway = try await AccountsGateway(
            name: "gateway-open", hookcast: hookcast, broker: broker, accounts: .none, work: work, logs: logs)
        _ = try await gateway.importDevices(1...devices)
        return try await online(gateway, broker: broker, login: nil, passwords: nil)
    }

    private func pluginSide() async throws -> Side {
        let broker = try await TestBroker(access: .secure, topics: topics)
        let login = try broker.gatewayCredentials
        let gateway = try await AccountsGateway(
            name: "gateway-plugin", hookcast: hookcast, broker: broker,
            accounts: .plugin(username: login.username, password: login.password), work: work, logs: logs)
        let imported = try await gateway.importDevices(1...devices)
        return try await online(
            gateway, broker: broker, login: login,
            passwords: (imported.passwords, work.appendingPathComponent("passwords")))
    }

    /// Starts the side's simulated devices (each logged in with the password the import answered, if any) and
    /// waits until all are online. Each side logs into a directory of its own: both name their processes alike.
    private func online(
        _ gateway: AccountsGateway, broker: TestBroker, login: (username: String, password: String)?,
        passwords: (byDevice: [String: String], directory: URL)?
    ) async throws -> Side {
        let presence = try PresenceCounter(mqttPort: broker.port, topics: broker.topics, login: login)
        try await presence.start()
        let sideLogs = logs.appendingPathComponent(gateway.name, isDirectory: true)
        try FileManager.default.createDirectory(at: sideLogs, withIntermediateDirectories: true)
        let fleet = BenchFleet(
            hookcast: hookcast, mqttPort: broker.port, topics: broker.topics, logDirectory: sideLogs,
            passwordsDirectory: passwords?.directory)
        if let passwords { try fleet.writePasswords(passwords.byDevice) }
        try await fleet.grow(to: devices, presence: presence)
        return Side(gateway: gateway, broker: broker, presence: presence, fleet: fleet)
    }
}
