import Foundation
import HookcastProtocol
import Testing

@testable import HookcastDevice

/// Issue 15, finding 8: the agent's state file names the commands and groups it follows; only its owner reads it.
@Suite("The agent's state file is private")
struct DeviceStateFileModeTests {
    static func mode(of url: URL) -> UInt32? {
        var status = stat()
        guard stat(url.path, &status) == 0 else { return nil }
        return UInt32(status.st_mode) & 0o777
    }

    @Test("A new state file is written with mode 0600")
    func newFileIsPrivate() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("state.json")
        try DeviceStateFile(player: PlayerState(), seenCommands: [], groups: []).write(to: url)
        #expect(Self.mode(of: url) == 0o600)
        #expect(try DeviceStateFile.load(from: url)?.player == PlayerState())
    }

    @Test("A state file an older agent left world-readable is replaced by a private one, contents intact")
    func oldFileIsTightened() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("state.json")
        try Data("{}".utf8).write(to: url)
        chmod(url.path, 0o644)
        var player = PlayerState()
        player.currentURL = "https://example.com/kept"
        try DeviceStateFile(player: player, seenCommands: [], groups: [try GroupID("lobby")]).write(to: url)
        #expect(Self.mode(of: url) == 0o600)
        let loaded = try DeviceStateFile.load(from: url)
        #expect(loaded?.player.currentURL == "https://example.com/kept")
        #expect(loaded?.groups == [try GroupID("lobby")])
        // Nothing left behind from the atomic write.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["state.json"])
    }
}
