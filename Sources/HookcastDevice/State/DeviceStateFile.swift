import Foundation
import HookcastProtocol

/// What the agent keeps on disk between runs: the player state, the commands it has already handled (so a restarted
/// agent does not run a redelivered command again) and the groups and tags it follows (so it listens to their topics
/// from the moment it connects, when the broker hands over what was queued while it was away).
///
/// `{"v":1,"player":{…PlayerState…},"seen_commands":[{"id":"…","outcome":{"status":"ok"}}],"groups":["g1"],"tags":["lobby"]}`, written atomically
/// (a private temporary file renamed over the old one), so a crash leaves the old or the new file, never half of one.
struct DeviceStateFile: Codable, Sendable, Equatable {
    static let currentVersion = 1

    var version: Int
    var player: PlayerState
    /// Oldest first.
    var seenCommands: [SeenCommands.Entry]
    /// Sorted.
    var groups: [GroupID]
    /// Sorted; a file from before tags has none.
    var tags: [String]

    init(player: PlayerState, seenCommands: [SeenCommands.Entry], groups: [GroupID], tags: [String] = []) {
        self.version = Self.currentVersion
        self.player = player
        self.seenCommands = seenCommands
        self.groups = groups
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey {
        case version = "v"
        case player
        case seenCommands = "seen_commands"
        case groups, tags
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        player = try container.decode(PlayerState.self, forKey: .player)
        seenCommands = try container.decode([SeenCommands.Entry].self, forKey: .seenCommands)
        groups = try container.decode([GroupID].self, forKey: .groups)
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    }

    /// The stored state; nil when there is no file yet.
    static func load(from url: URL) throws -> DeviceStateFile? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data = try Data(contentsOf: url)
        return try DeviceJSON.decoder().decode(DeviceStateFile.self, from: data)
    }

    /// Mode 0600, replacing an older file's mode too: the file names the commands and groups this device follows.
    func write(to url: URL) throws {
        let data = try DeviceJSON.encoder().encode(self)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { unlink(temporary.path) }
        do {
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: data)
            try handle.synchronize()
        }
        guard rename(temporary.path, url.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
