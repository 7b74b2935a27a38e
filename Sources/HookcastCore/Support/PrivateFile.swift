import Foundation

enum PrivateFile {
    /// Creates an empty file readable only by its owner, unless it exists. Creating it before SQLite does matters:
    /// SQLite gives its -wal and -shm files the database file's mode.
    static func create(at path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        close(descriptor)
    }
}
