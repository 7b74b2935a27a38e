import Foundation

/// mosquitto's own `mosquitto_sub` as an independent observer: it prints every message the broker delivers to it,
/// whatever the SUBACK said, so a test can check what actually arrives rather than what was granted.
public final class MosquittoSubscriber: Sendable {
    private let process: ChildProcess
    private let logFile: URL

    /// Connects as `username` and subscribes to `filters` at QoS 1 (MQTT v5, debug output on, so the SUBACK's
    /// reason codes are in `output`). Returns once the SUBACK arrived. `payloads`: each message's payload is kept
    /// too (`receivedPayloads`).
    public init(
        port: Int, username: String?, password: String?, clientID: String, filters: [String], payloads: Bool = false
    ) async throws {
        logFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("hookcast-sub-\(UUID().uuidString).log")
        var arguments = ["-h", "127.0.0.1", "-p", String(port), "-V", "5", "-q", "1", "-i", clientID, "-d"]
        if let username { arguments += ["-u", username] }
        if let password { arguments += ["-P", password] }
        // mosquitto_sub reads `\n` in the format as a line break: the payload in hex on a line of its own.
        arguments += ["-F", payloads ? "MSG %t\\nHEX %x" : "MSG %t"] + filters.flatMap { ["-t", $0] }
        // Line-buffered: written to a file, mosquitto_sub's output would otherwise sit in its buffer.
        process = try ChildProcess(
            executable: "/usr/bin/stdbuf", arguments: ["-oL", "/usr/bin/mosquitto_sub"] + arguments,
            directory: FileManager.default.temporaryDirectory,
            logFile: logFile)
        let process = process
        let logFile = logFile
        try await withTimeout(.seconds(10), "mosquitto_sub subscribed") {
            while true {
                let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
                if output.contains("received SUBACK") || !process.isRunning { return }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    deinit {
        ChildProcess.end(process, thenRemoving: logFile)
    }

    public var output: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The topics of the messages received so far, in order.
    public var receivedTopics: [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("MSG ") }.map { String($0.dropFirst(4)) }
    }

    /// The payloads of the messages received so far, in order, if the subscriber keeps them.
    public var receivedPayloads: [[UInt8]] {
        output.split(separator: "\n").filter { $0.hasPrefix("HEX ") }.map { line in
            let hex = Array(line.dropFirst(4).utf8)
            return stride(from: 0, to: hex.count - 1, by: 2).compactMap {
                UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16)
            }
        }
    }

    public var isRunning: Bool { process.isRunning }

    /// Waits until `condition` holds for the topics received, or throws after `timeout`.
    public func waitUntil(
        _ description: String, timeout: Duration = .seconds(10), _ condition: @escaping @Sendable ([String]) -> Bool
    ) async throws {
        try await withTimeout(timeout, description) {
            while !condition(self.receivedTopics) { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// SIGTERM, and returns once `mosquitto_sub` has exited, without holding a thread of the concurrency pool.
    public func stop() async { await process.stop() }
}
