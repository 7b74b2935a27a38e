import Foundation
import HookcastDevice
import HookcastProtocol
import HookcastTestSupport
import Testing

@Suite("HookRunner runs the executable named after the function, with the command on stdin and in the environment")
struct HookRunnerTests {
    /// A hooks directory holding one executable shell script.
    static func hooks(_ function: ActionFunction, script: String) throws -> URL {
        let directory = try Fixtures.temporaryDirectory()
        let file = directory.appendingPathComponent(function.rawValue)
        // O_CLOEXEC: a process another test spawns meanwhile (the shared broker) must not inherit the descriptor,
        // or the script stays "open for writing" and cannot be executed (ETXTBSY).
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let bytes = Array(("#!/bin/sh\n" + script + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count else { throw POSIXError(.EIO) }
        return directory
    }

    @Test("Exit 0 is ok, and the hook saw the params on stdin and as environment variables")
    func success() async throws {
        try await withTimeout(.seconds(10)) {
            let out = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: out) }
            let directory = try Self.hooks(
                .emergency,
                script: """
                    cat > '\(out.path)/stdin.json'
                    env | grep '^HOOKCAST_' | sort > '\(out.path)/env.txt'
                    """)
            defer { try? FileManager.default.removeItem(at: directory) }
            let envelope = try Fixtures.envelope(.emergency, params: .init(state: .on, message: "Leave now"))
            let outcome = await HookRunner(directory: directory).run(for: envelope)
            #expect(outcome == .ok)

            let input = try JSONDecoder().decode(
                JSONValue.self, from: Data(contentsOf: out.appendingPathComponent("stdin.json")))
            #expect(
                input
                    == .object([
                        "state": .string("on"), "message": .string("Leave now"),
                        "command_id": .string(envelope.id.uuidString.lowercased()),
                        "event_id": .string("ev-emergency"),
                    ]))
            let environment = try String(contentsOf: out.appendingPathComponent("env.txt"), encoding: .utf8)
            #expect(
                environment.split(separator: "\n")
                    == [
                        "HOOKCAST_COMMAND_ID=\(envelope.id.uuidString.lowercased())",
                        "HOOKCAST_EVENT_ID=ev-emergency",
                        "HOOKCAST_FUNCTION=emergency",
                        "HOOKCAST_PARAM_MESSAGE=Leave now",
                        "HOOKCAST_PARAM_STATE=on",
                    ])
        }
    }

    @Test("A non-zero exit fails with the status and the end of stderr")
    func failure() async throws {
        try await withTimeout(.seconds(10)) {
            let directory = try Self.hooks(.restartDevice, script: "echo 'screen is off' >&2\nexit 3")
            defer { try? FileManager.default.removeItem(at: directory) }
            let outcome = await HookRunner(directory: directory).run(for: try Fixtures.envelope(.restartDevice))
            #expect(outcome == .failed("hook exited with status 3: screen is off"))
        }
    }

    @Test("Without a hook for the function there is nothing to run")
    func noHook() async throws {
        let directory = try Self.hooks(.restartDevice, script: "exit 1")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(await HookRunner(directory: directory).run(for: try Fixtures.envelope(.refreshContent)) == nil)
    }

    @Test("A hook that overstays its timeout is killed, with whatever it started, and fails")
    func timeout() async throws {
        // An hour's sleep: only the kill can end it while the test runs, so no clock reading is needed to tell.
        try await withTimeout(.seconds(120)) {
            let out = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: out) }
            let directory = try Self.hooks(
                .refreshContent,
                script: "echo $$ > '\(out.path)/shell.pid'\nsleep 3600 &\necho $! > '\(out.path)/sleep.pid'\nwait")
            defer { try? FileManager.default.removeItem(at: directory) }
            let outcome = await HookRunner(directory: directory, timeout: .seconds(1))
                .run(for: try Fixtures.envelope(.refreshContent))
            #expect(outcome == .failed("hook timed out after 1s"))
            let shell = try Self.pid(in: out.appendingPathComponent("shell.pid"))
            let sleep = try Self.pid(in: out.appendingPathComponent("sleep.pid"))
            #expect(kill(shell, 0) == -1 && errno == ESRCH)
            try await Self.waitUntilDead(sleep)
        }
    }

    static func pid(in file: URL) throws -> pid_t {
        let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try #require(pid_t(text))
    }

    /// Gone, or a zombie waiting for a reaper: killed either way. (In a container the orphan's new parent may be
    /// slow to reap it.)
    static func waitUntilDead(_ pid: pid_t) async throws {
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return }
            if let end = stat.lastIndex(of: ")"), stat[stat.index(after: end)...].hasPrefix(" Z") { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("process \(pid) still runs")
    }
}
