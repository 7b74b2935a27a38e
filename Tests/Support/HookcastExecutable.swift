import Foundation

/// The `hookcast` executable of this build, for tests that run the gateway or an agent as a process of its own
/// (to kill it with SIGKILL). `swift build --build-tests` builds it next to the test bundle.
public enum HookcastExecutable {
    public static func url() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["HOOKCAST_EXECUTABLE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var directory = runner.deletingLastPathComponent()
        // On macOS the runner sits inside the .xctest bundle; on Linux the bundle is the runner itself.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS"
            || directory.lastPathComponent == "Contents"
        {
            directory.deleteLastPathComponent()
        }
        let candidate = directory.appendingPathComponent("hookcast")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw HookcastExecutableError.notBuilt(expected: candidate.path)
        }
        return candidate
    }
}

public enum HookcastExecutableError: Error, CustomStringConvertible {
    case notBuilt(expected: String)

    public var description: String {
        switch self {
        case .notBuilt(let path):
            return "no hookcast executable at \(path); build with `swift build --build-tests` (scripts/test does)"
        }
    }
}
