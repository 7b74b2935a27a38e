import Foundation
import Logging

/// The gateway's data directory holds the master key, the database and the admin token's hash: only its owner
/// should list or enter it.
public enum DataDirectory {
    /// Creates the directory with mode 0700 (the 0700 asked for again when files are created inside it is a no-op
    /// on a directory that exists). One that exists and that group or others may enter is left as it is, with a
    /// warning: an operator may keep something there that another user must reach (scripts/run keeps the demo
    /// broker's directory inside it, for the `mosquitto` user).
    public static func prepare(_ directory: URL, logger: Logger) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard let mode = openMode(of: directory) else { return }
        logger.warning(
            "The data directory is open to other users; make it private (chmod 700) unless another user needs it",
            metadata: ["path": "\(directory.path)", "mode": "\(String(mode, radix: 8))"])
    }

    /// The directory's permission bits when group or others have any; nil when only its owner has.
    public static func openMode(of directory: URL) -> UInt32? {
        var status = stat()
        guard stat(directory.path, &status) == 0 else { return nil }
        let mode = UInt32(status.st_mode) & 0o777
        return mode & 0o077 == 0 ? nil : mode
    }
}
