import Crypto
import Foundation
import Synchronization

/// The admin API's bearer token. Only its SHA-256 hash is kept, in `admin-token.sha256` in the data directory
/// (mode 0600); the token itself is shown once, when it is generated on first start or by
/// `hookcast admin rotate-token`. `HOOKCAST_ADMIN_TOKEN` sets it instead, and replaces a different stored hash, so
/// an old token stops working when the variable changes and does not come back when the variable is dropped.
///
/// The gateway looks at the file again (one `stat`) before each comparison: a token rotated while it runs takes
/// effect at the next request, without a restart.
public final class AdminToken: Sendable {
    /// Shorter tokens are refused: the token is the whole admin API's only secret.
    public static let minimumLength = 32
    static let fileName = "admin-token.sha256"

    /// What `loadOrCreate` produced: the token, and its plain text only when it was just generated.
    public struct Loaded: Sendable {
        public let token: AdminToken
        public let newlyGenerated: String?
    }

    private struct Current {
        var hash: [UInt8]
        /// The file as it was when `hash` was read; nil when the hash did not come from a file.
        var stamp: FileStamp?
        /// Which token is in force, as console sessions remember it: taken from the hash, not counted, so every
        /// gateway with the same token agrees (a session signed in on one is honoured by the others).
        var generation: UInt64 { AdminToken.generation(of: hash) }
    }

    private let file: URL?
    private let current: Mutex<Current>

    init(plainText: String) {
        file = nil
        current = Mutex(Current(hash: Self.digest(plainText), stamp: nil))
    }

    private init(hash: [UInt8], file: URL) {
        self.file = file
        current = Mutex(Current(hash: hash, stamp: FileStamp(of: file)))
    }

    public static func loadOrCreate(dataDirectory: URL, fromEnvironment: String?) throws -> Loaded {
        let file = dataDirectory.appendingPathComponent(fileName)
        if let fromEnvironment, !fromEnvironment.isEmpty {
            guard fromEnvironment.count >= minimumLength else { throw AdminTokenError.tooShort }
            let hash = digest(fromEnvironment)
            // Adopted when nothing is stored yet, so the same token keeps working when the variable is gone; a
            // different stored hash is replaced, so the token the variable replaced stops working for good.
            if readHash(from: file) != hash {
                try store(hash, in: file, directory: dataDirectory)
            }
            return Loaded(token: AdminToken(hash: hash, file: file), newlyGenerated: nil)
        }
        if let hash = readHash(from: file) {
            return Loaded(token: AdminToken(hash: hash, file: file), newlyGenerated: nil)
        }
        let plainText = generate()
        let hash = digest(plainText)
        try store(hash, in: file, directory: dataDirectory)
        return Loaded(token: AdminToken(hash: hash, file: file), newlyGenerated: plainText)
    }

    /// Replaces the stored token with a new random one and returns it (its only appearance in plain text). A
    /// gateway running on `dataDirectory` takes it at its next request; the old token stops working there.
    public static func rotate(dataDirectory: URL) throws -> String {
        let plainText = generate()
        try store(digest(plainText), in: dataDirectory.appendingPathComponent(fileName), directory: dataDirectory)
        return plainText
    }

    /// Constant-time: compares the digests of the presented and the stored token.
    public func matches(_ presented: String) -> Bool {
        let presentedHash = Self.digest(presented)
        let hash = inForce().hash
        var difference: UInt8 = 0
        for (a, b) in zip(presentedHash, hash) { difference |= a ^ b }
        return difference == 0 && presentedHash.count == hash.count
    }

    /// The stored hash, read again when the file changed since it was last read. A file that is gone or unreadable
    /// keeps the last hash: deleting it does not open the API, and the next start generates a new token.
    private func inForce() -> (hash: [UInt8], generation: UInt64) {
        let known = current.withLock { $0 }
        guard let file, let stamp = FileStamp(of: file), stamp != known.stamp else {
            return (known.hash, known.generation)
        }
        // Read outside the lock; a racing reader at worst reads the same file twice.
        guard let hash = Self.readHash(from: file) else { return (known.hash, known.generation) }
        return current.withLock { current in
            current.hash = hash
            current.stamp = stamp
            return (current.hash, current.generation)
        }
    }

    /// Which token is in force, as a number that changes when it is replaced (read again from the file first).
    func generation() -> UInt64 {
        inForce().generation
    }

    /// The first 8 bytes of a token's SHA-256 (which identifies it; it is not a secret, as the hash is stored).
    static func generation(of hash: [UInt8]) -> UInt64 {
        hash.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// 256 bits from the system's CSRNG, Base64URL: 47 characters with the prefix.
    private static func generate() -> String {
        "hka_" + Base64URL.encode(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    private static func digest(_ plainText: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(plainText.utf8)))
    }

    private static func readHash(from file: URL) -> [UInt8]? {
        guard let stored = try? String(contentsOf: file, encoding: .utf8),
            let hash = Hex.decode(stored.trimmingCharacters(in: .whitespacesAndNewlines)), hash.count == 32
        else { return nil }
        return hash
    }

    /// Written to a private temporary file and renamed over the old one: a running gateway reads the old hash or
    /// the new one, never half of one.
    private static func store(_ hash: [UInt8], in file: URL, directory: URL) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = directory.appendingPathComponent(".\(fileName).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { unlink(temporary.path) }
        do {
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: Data(Hex.encode(hash).utf8))
            try handle.synchronize()
        }
        guard rename(temporary.path, file.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}

/// Why the admin token was refused at start.
public enum AdminTokenError: Error, CustomStringConvertible, Equatable {
    case tooShort

    public var description: String {
        switch self {
        case .tooShort:
            "HOOKCAST_ADMIN_TOKEN is shorter than \(AdminToken.minimumLength) characters; use a long random token "
                + "(or leave it unset and let the gateway generate one)."
        }
    }
}

/// Which file a path names and when it last changed: a rename over it gives another inode, an edit in place
/// another modification time.
private struct FileStamp: Equatable, Sendable {
    let inode: UInt64
    let modifiedSeconds: Int64
    let modifiedNanoseconds: Int64
    let size: Int64

    init?(of file: URL) {
        var status = stat()
        guard stat(file.path, &status) == 0 else { return nil }
        inode = UInt64(status.st_ino)
        modifiedSeconds = Int64(status.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(status.st_mtim.tv_nsec)
        size = Int64(status.st_size)
    }
}

enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let byte = UInt8(String(decoding: characters[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return bytes
    }
}
