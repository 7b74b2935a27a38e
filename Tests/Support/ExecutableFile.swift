import Foundation

/// Writes small executables (hook scripts) for tests.
public enum ExecutableFile {
    /// Writes `contents` with mode 0755 through a close-on-exec descriptor: a process that another test spawns
    /// meanwhile must not inherit it open for writing, or running the script fails with "Text file busy".
    public static func write(_ contents: String, to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw POSIXError(.EIO) }
    }
}
