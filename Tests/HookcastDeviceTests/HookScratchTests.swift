import Foundation
import Testing

@testable import HookcastDevice

@Suite("Hook scratch directories")
struct HookScratchTests {
    /// Above Linux's largest possible pid (PID_MAX_LIMIT, 2^22): no process can have it.
    static let impossiblePid: pid_t = 4_194_305

    @Test("A run's directory is private and named after this process")
    func madeForThisProcess() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(at: parent) }
        let scratch = try HookScratch.make(in: parent)
        #expect(HookScratch.owner(of: scratch.lastPathComponent) == getpid())
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
    }

    @Test("Only directories of processes that are gone are removed; other names and live owners are left")
    func removesOnlyAbandoned() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(at: parent) }
        let mine = try HookScratch.make(in: parent)
        let abandoned = parent.appendingPathComponent("\(HookScratch.prefix)\(Self.impossiblePid)-\(UUID())")
        let living = parent.appendingPathComponent("\(HookScratch.prefix)1-\(UUID())")
        let older = parent.appendingPathComponent("hookcast-hook-\(UUID())")
        let unrelated = parent.appendingPathComponent("\(HookScratch.prefix)x-\(UUID())")
        for directory in [abandoned, living, older, unrelated] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: directory.appendingPathComponent("stdin"))
        }
        // pid 1 always exists; the test's own pid is skipped whatever the check says.
        #expect(HookScratch.removeAbandoned(in: parent) == 1)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: parent.path))
        #expect(
            left == [
                mine.lastPathComponent, living.lastPathComponent, older.lastPathComponent,
                unrelated.lastPathComponent,
            ])
        #expect(HookScratch.removeAbandoned(in: parent, isRunning: { _ in false }) == 1)
        #expect(!FileManager.default.fileExists(atPath: living.path))
        #expect(FileManager.default.fileExists(atPath: mine.path))
    }

    @Test(
        "Names are read strictly",
        arguments: [
            "hookcast-hook-pid-1-x", "hookcast-hook-pid0-x", "hookcast-hook-pid12", "hookcast-hook-pid99999999999-x",
        ])
    func notScratchNames(name: String) {
        #expect(HookScratch.owner(of: name) == nil)
    }

    private static func parent() throws -> URL {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("hook-scratch-\(UUID())")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        return parent
    }
}
