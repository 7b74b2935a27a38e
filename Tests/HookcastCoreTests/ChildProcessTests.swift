import Foundation
import HookcastTestSupport
import Testing

/// The test support's `ChildProcess`, which every broker, gateway and fleet a test starts goes through.
@Suite struct ChildProcessTests {
    @Test("A child gets stdin, stdout and stderr only, not the descriptors the test runner holds")
    func childInheritsNoDescriptors() async throws {
        // Not close-on-exec, as a socket bound to probe a port was: the child must still not get it.
        let held = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(held > 2)
        defer { close(held) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hookcast-child-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "ls /proc/self/fd; exec sleep 3600"], directory: directory,
            logFile: directory.appendingPathComponent("child.log"))
        // The listing is written before the sleep; `ls` itself opens one descriptor for the directory it reads.
        try await withTimeout(.seconds(30), "the child lists its descriptors") {
            while true {
                let log = directory.appendingPathComponent("child.log")
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if text.hasSuffix("\n") { return }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let listing = try String(contentsOf: directory.appendingPathComponent("child.log"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        await child.stop(with: SIGKILL)
        #expect(!listing.contains(String(held)), "inherited: \(listing)")
        #expect(listing.count <= 4, "0, 1, 2 and the one ls reads with: \(listing)")
    }
}
