import Foundation
import HookcastProtocol

/// Runs the optional executable that gives a command a real effect on the machine: `<directory>/<function>`,
/// e.g. `hooks/restart_device`.
///
/// The hook gets the command on stdin (the `params` object plus `command_id`, `event_id` and `sensor_data`) and in
/// its environment (`HOOKCAST_COMMAND_ID`, `HOOKCAST_FUNCTION`, `HOOKCAST_EVENT_ID`, `HOOKCAST_PARAM_<NAME>`). Exit
/// status 0 means done. The hook's stdout is discarded; the end of its stderr explains a failure.
public struct HookRunner: Sendable {
    /// How much of the hook's stderr a failed acknowledgement carries.
    static let stderrTailLength = 200

    public let directory: URL
    public let timeout: Duration

    public init(directory: URL, timeout: Duration = .seconds(30)) {
        self.directory = directory
        self.timeout = timeout
    }

    /// The hook for `function`, if an executable file of that name exists.
    public func hook(for function: ActionFunction) -> URL? {
        let url = directory.appendingPathComponent(function.rawValue)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isExecutableFile(atPath: url.path)
        else { return nil }
        return url
    }

    /// Runs the hook for `envelope`'s function; nil when there is none. Never blocks a concurrency thread.
    /// `stop`, when requested, kills the hook and fails the command with the request's reason.
    func run(for envelope: CommandEnvelope, stop: HookStop?) async -> CommandOutcome? {
        guard let hook = hook(for: envelope.function) else { return nil }
        if let reason = stop?.reason { return .failed("hook was stopped: \(reason)") }
        let result: HookProcess.Result
        do {
            result = try await HookProcess.run(
                executable: hook, input: Self.input(for: envelope), environment: Self.environment(for: envelope),
                timeout: timeout, stop: stop)
        } catch {
            return .failed("hook could not be started: \(error)")
        }
        let stderr = Self.tail(result.stderr)
        switch result.termination {
        case .exited(0):
            return .ok
        case .exited(let status):
            return .failed("hook exited with status \(status): \(stderr)")
        case .signalled(let signal):
            return .failed("hook was killed by signal \(signal): \(stderr)")
        case .timedOut:
            return .failed("hook timed out after \(Self.describe(timeout))")
        case .stopped:
            return .failed("hook was stopped: \(stop?.reason ?? "on request")")
        }
    }

    /// Runs the hook for `envelope`'s function; nil when there is none. Never blocks a concurrency thread.
    public func run(for envelope: CommandEnvelope) async -> CommandOutcome? {
        await run(for: envelope, stop: nil)
    }

    /// The `params` object with the command's identity and sensor data added.
    static func input(for envelope: CommandEnvelope) -> [UInt8] {
        var object = parameters(of: envelope)
        object["command_id"] = .string(envelope.id.lowercasedString)
        object["event_id"] = .string(envelope.eventID.rawValue)
        if let sensorData = envelope.sensorData {
            object["sensor_data"] = .object([
                "id": .string(sensorData.id), "event": .string(sensorData.event), "value": sensorData.value,
            ])
        }
        return (try? Array(JSONCoding.encoder().encode(JSONValue.object(object)))) ?? Array("{}".utf8)
    }

    /// Only what a hook needs: the agent's own environment may hold the broker password, which a hook has no
    /// business seeing.
    static func environment(for envelope: CommandEnvelope) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = ["PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]
        for name in ["HOME", "LANG", "LC_ALL", "TZ"] { environment[name] = inherited[name] }
        environment["HOOKCAST_COMMAND_ID"] = envelope.id.lowercasedString
        environment["HOOKCAST_FUNCTION"] = envelope.function.rawValue
        environment["HOOKCAST_EVENT_ID"] = envelope.eventID.rawValue
        for (name, value) in parameters(of: envelope) {
            let text: String
            if case .string(let string) = value {
                text = string
            } else {
                text = (try? String(decoding: JSONCoding.encoder().encode(value), as: UTF8.self)) ?? ""
            }
            environment["HOOKCAST_PARAM_\(name.uppercased())"] = text
        }
        return environment
    }

    private static func parameters(of envelope: CommandEnvelope) -> [String: JSONValue] {
        guard let data = try? JSONCoding.encoder().encode(envelope.params),
            case .object(let object) = try? JSONCoding.decoder().decode(JSONValue.self, from: data)
        else { return [:] }
        return object
    }

    private static func tail(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return String(text.suffix(stderrTailLength))
    }

    /// `30s`, or `1.5s` for a fractional timeout.
    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds)s" }
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return "\(value)s"
    }
}
