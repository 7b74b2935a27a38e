import Foundation

/// The master key on disk, written with POSIX calls so its mode is 0600 from creation and never briefly wider.
struct MasterKeyFile {
    let url: URL
    let byteCount: Int

    /// The key bytes, or nil when there is no file yet.
    func read() throws -> Data? {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw KeyVaultError.masterKeyUnreadable(path: url.path, reason: Self.lastError())
        }
        defer { close(descriptor) }
        // One byte more than expected tells a too-long file apart from a correct one.
        var buffer = [UInt8](repeating: 0, count: byteCount + 1)
        var total = 0
        while total < buffer.count {
            let count = buffer.withUnsafeMutableBytes { raw in
                Foundation.read(descriptor, raw.baseAddress.map { $0 + total }, raw.count - total)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw KeyVaultError.masterKeyUnreadable(path: url.path, reason: Self.lastError())
            }
            if count == 0 { break }
            total += count
        }
        guard total == byteCount else {
            var status = stat()
            let size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : total
            throw KeyVaultError.masterKeyWrongSize(path: url.path, size: size)
        }
        return Data(buffer.prefix(byteCount))
    }

    /// Writes `bytes` to a private temporary file, then links it into place, so no reader ever sees a partial key.
    /// Returns the key that ended up in the file: ours, or the one another process linked first.
    func create(_ bytes: Data) throws -> Data {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw KeyVaultError.masterKeyNotCreated(path: url.path, reason: Self.lastError())
        }
        defer { unlink(temporary.path) }
        do {
            defer { close(descriptor) }
            try writeAll(bytes, to: descriptor)
            guard fsync(descriptor) == 0 else {
                throw KeyVaultError.masterKeyNotCreated(path: url.path, reason: Self.lastError())
            }
        }
        if link(temporary.path, url.path) != 0 {
            let reason = Self.lastError()
            guard errno == EEXIST, let existing = try read() else {
                throw KeyVaultError.masterKeyNotCreated(path: url.path, reason: reason)
            }
            return existing
        }
        syncDirectory()
        return bytes
    }

    private func writeAll(_ bytes: Data, to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw KeyVaultError.masterKeyNotCreated(path: url.path, reason: Self.lastError())
            }
            offset += count
        }
    }

    /// Makes the new directory entry durable; without it a power cut could lose a key already used to encrypt.
    private func syncDirectory() {
        let directory = open(url.deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        guard directory >= 0 else { return }
        fsync(directory)
        close(directory)
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
