import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Logging
import Synchronization

/// Reference agents for the fault tests. Each has a `refresh_content` hook that appends the id of every command
/// it runs to the device's journal, so what was executed is read from there, not from what the agents report.
final class FaultFleet: Sendable {
    let ids: [String]
    let directory: URL
    private let mqttPort: Int
    private let keepAlive: Int
    private let running = Mutex<[String: (DeviceAgent, Task<Void, any Error>)]>([:])
    private let processes = Mutex<[String: ChildProcess]>([:])
    private let startedAt = Mutex<[String: ContinuousClock.Instant]>([:])

    /// `hookDelay` seconds is how long each hook runs after writing its journal line.
    init(prefix: String, count: Int, mqttPort: Int, keepAlive: Int = 10, hookDelay: Double = 0) throws {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        ids = (0..<count).map { "\(prefix)\($0)-\(suffix)" }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-fleet-\(suffix)")
        self.mqttPort = mqttPort
        self.keepAlive = keepAlive
        for id in ids {
            let hooks = hooksDirectory(id)
            try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
            try ExecutableFile.write(
                "#!/bin/sh\necho \"$HOOKCAST_COMMAND_ID\" >> '\(journal(id).path)'\n"
                    + (hookDelay > 0 ? "sleep \(hookDelay)\n" : ""),
                to: hooks.appendingPathComponent(ActionFunction.refreshContent.rawValue))
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func hooksDirectory(_ id: String) -> URL { directory.appendingPathComponent("hooks-\(id)") }
    func journal(_ id: String) -> URL { directory.appendingPathComponent("\(id).journal") }
    func stateFile(_ id: String) -> URL { directory.appendingPathComponent("\(id).state.json") }

    /// Starts the agents (all by default) and waits until the gateway sees them online. Each keeps its state
    /// file, unless `keepState` is false: then it starts as a replaced device would, knowing nothing.
    func start(_ which: [String]? = nil, keepState: Bool = true, gateway: GatewayClient) async throws {
        var logger = Logger(label: "test.fleet")
        logger.logLevel = .error
        for id in which ?? ids {
            if !keepState { try? FileManager.default.removeItem(at: stateFile(id)) }
            let agent = try DeviceAgent(
                configuration: .init(
                    deviceID: try DeviceID(id), mqttPort: mqttPort, hooksDirectory: hooksDirectory(id),
                    hookTimeout: .seconds(10), stateFile: stateFile(id), keepAlive: keepAlive,
                    connectTimeout: .seconds(5), logger: logger, topics: testTopics))
            startedAt.withLock { $0[id] = .now }
            let task = Task { try await agent.run() }
            running.withLock { $0[id] = (agent, task) }
        }
        try await waitOnline(which ?? ids, gateway: gateway)
    }

    /// Starts `hookcast device` processes instead, which a test can kill with SIGKILL.
    func startProcesses(_ which: [String]? = nil, gateway: GatewayClient) async throws {
        let executable = try HookcastExecutable.url().path
        for id in which ?? ids {
            let process = try ChildProcess(
                executable: executable,
                arguments: [
                    "device", "--id", id, "--mqtt-port", String(mqttPort), "--hooks", hooksDirectory(id).path,
                    "--state-file", stateFile(id).path, "--log-level", "notice",
                ],
                directory: directory, logFile: directory.appendingPathComponent("\(id).log"))
            processes.withLock { $0[id] = process }
        }
        try await waitOnline(which ?? ids, gateway: gateway)
    }

    /// SIGKILL to an agent process: a crash or a power cut, wherever it was.
    /// Returns the pid it killed.
    @discardableResult
    func killProcess(_ id: String) -> pid_t? {
        let process = processes.withLock { $0.removeValue(forKey: id) }
        process?.kill()
        return process?.pid
    }

    /// SIGTERM to every agent process, and their graceful stops awaited together, off the concurrency pool.
    func stopProcesses() async {
        let all = processes.withLock { processes in
            defer { processes.removeAll() }
            return Array(processes.values)
        }
        await withTaskGroup(of: Void.self) { group in
            for process in all { group.addTask { await process.stop() } }
        }
    }

    func waitOnline(_ which: [String]? = nil, gateway: GatewayClient) async throws {
        let expected = Set(which ?? ids)
        try await withTimeout(.seconds(30), "\(expected.count) agents online") {
            while true {
                let devices = try await gateway.admin(.get, "devices")
                var online = 0
                if case .array(let items)? = devices["items"] {
                    for item in items where item.field("online") == .bool(true) {
                        if case .string(let id)? = item.field("id"), expected.contains(id) { online += 1 }
                    }
                }
                if online == expected.count { return }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func agent(_ id: String) -> DeviceAgent? { running.withLock { $0[id]?.0 } }

    /// When the running in-process agent `id` was started.
    func startInstant(_ id: String) -> ContinuousClock.Instant? { startedAt.withLock { $0[id] } }

    func stop(_ which: [String]? = nil) async {
        let stopping = running.withLock { running in
            (which ?? ids).compactMap { running.removeValue(forKey: $0) }
        }
        for (agent, task) in stopping {
            await agent.stop()
            _ = try? await task.value
        }
    }

    /// How often each device ran each command, from the journals.
    func executions() -> [String: [String: Int]] {
        var result: [String: [String: Int]] = [:]
        for id in ids {
            let text = (try? String(contentsOf: journal(id), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") { result[id, default: [:]][String(line), default: 0] += 1 }
        }
        return result
    }
}

extension JSONValue {
    var arrayItems: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
