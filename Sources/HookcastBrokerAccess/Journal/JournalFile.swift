#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few system calls the journal makes, each retried on EINTR and turned into `AccountJournalError.system`.
enum JournalFile {
    /// Files hold credential hashes: readable by the broker's user only.
    static let fileMode: mode_t = 0o600
    static let directoryMode: mode_t = 0o700

    static func createDirectoryIfMissing(_ path: String) throws(AccountJournalError) {
        if mkdir(path, directoryMode) == 0 { return }
        let code = errno
        guard code == EEXIST else { throw .system(operation: "mkdir", path: path, code: code) }
        var status = stat()
        guard stat(path, &status) == 0 else { throw .system(operation: "stat", path: path, code: errno) }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(path: path) }
    }

    /// Opens for appending, creating the file if needed (an existing one is appended to, never truncated).
    static func openForAppend(_ path: String) throws(AccountJournalError) -> Int32 {
        try openFile(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC)
    }

    /// Creates the file empty, replacing what was there.
    static func create(_ path: String) throws(AccountJournalError) -> Int32 {
        try openFile(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
    }

    private static func openFile(_ path: String, _ flags: Int32) throws(AccountJournalError) -> Int32 {
        while true {
            let descriptor = open(path, flags, fileMode)
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw .system(operation: "open", path: path, code: errno) }
        }
    }

    /// Writes all of `bytes`: one write(2) unless the kernel takes fewer bytes (a full disk, a signal).
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(AccountJournalError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if result > 0 {
                written += result
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                throw .system(operation: "write", path: path, code: result < 0 ? errno : EIO)
            }
        }
    }

    /// Gives a failed append's partial bytes back, so the next record does not follow a torn one.
    static func truncate(_ descriptor: Int32, to length: Int, path: String) throws(AccountJournalError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw .system(operation: "ftruncate", path: path, code: errno)
        }
    }

    static func syncData(_ descriptor: Int32, path: String) throws(AccountJournalError) {
        #if canImport(Glibc)
            let result = fdatasync(descriptor)
        #else
            let result = fsync(descriptor)
        #endif
        guard result == 0 else { throw .system(operation: "fdatasync", path: path, code: errno) }
    }

    static func sync(_ descriptor: Int32, path: String) throws(AccountJournalError) {
        guard fsync(descriptor) == 0 else { throw .system(operation: "fsync", path: path, code: errno) }
    }

    /// Makes the directory's entries (a created segment, a renamed snapshot) survive a power loss.
    static func syncDirectory(_ path: String) throws(AccountJournalError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(operation: "open", path: path, code: errno) }
        defer { _ = close(descriptor) }
        try sync(descriptor, path: path)
    }

    static func closeFile(_ descriptor: Int32) {
        _ = close(descriptor)
    }

    static func renameFile(_ source: String, to destination: String) throws(AccountJournalError) {
        guard rename(source, destination) == 0 else {
            throw .system(operation: "rename", path: source, code: errno)
        }
    }

    static func remove(_ path: String) throws(AccountJournalError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .system(operation: "unlink", path: path, code: errno) }
    }

    static func size(_ path: String) throws(AccountJournalError) -> Int {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .system(operation: "stat", path: path, code: errno) }
        return Int(status.st_size)
    }

    /// The whole file. Journal files are read only at start-up.
    static func readAll(_ path: String) throws(AccountJournalError) -> [UInt8] {
        let descriptor = try openFile(path, O_RDONLY | O_CLOEXEC)
        defer { _ = close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .system(operation: "fstat", path: path, code: errno) }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if result > 0 {
                filled += result
            } else if result < 0 && errno == EINTR {
                continue
            } else if result == 0 {
                break  // shorter than it was a moment ago: read what is there
            } else {
                throw .system(operation: "read", path: path, code: errno)
            }
        }
        return Array(bytes.prefix(filled))
    }

    /// The names in the directory, without "." and "..".
    static func names(in path: String) throws(AccountJournalError) -> [String] {
        guard let directory = opendir(path) else { throw .system(operation: "opendir", path: path, code: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
