import Crypto
import Foundation

/// The admin API's bearer token. Only its SHA-256 hash is kept, in `admin-token.sha256` in the data directory
/// (mode 0600); the token itself is shown once, when it is generated on first start. `HOOKCAST_ADMIN_TOKEN`
/// sets it instead (and is kept, hashed, when no token was stored yet).
public struct AdminToken: Sendable {
    let hash: [UInt8]

    /// What `loadOrCreate` produced: the token, and its plain text only when it was just generated.
    public struct Loaded: Sendable {
        public let token: AdminToken
        public let newlyGenerated: String?
    }

    init(plainText: String) {
        hash = Array(SHA256.hash(data: Data(plainText.utf8)))
    }

    init(hash: [UInt8]) {
        self.hash = hash
    }

    public static func loadOrCreate(dataDirectory: URL, fromEnvironment: String?) throws -> Loaded {
        let file = dataDirectory.appendingPathComponent("admin-token.sha256")
        if let fromEnvironment, !fromEnvironment.isEmpty {
            let token = AdminToken(plainText: fromEnvironment)
            // Adopted when nothing is stored yet, so the same token keeps working when the variable is gone.
            if !FileManager.default.fileExists(atPath: file.path) {
                try store(token, in: file, directory: dataDirectory)
            }
            return Loaded(token: token, newlyGenerated: nil)
        }
        if let stored = try? String(contentsOf: file, encoding: .utf8),
            let hash = Hex.decode(stored.trimmingCharacters(in: .whitespacesAndNewlines)), hash.count == 32
        {
            return Loaded(token: AdminToken(hash: hash), newlyGenerated: nil)
        }
        let random = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let plainText = "hka_" + Base64URL.encode(random)
        let token = AdminToken(plainText: plainText)
        try store(token, in: file, directory: dataDirectory)
        return Loaded(token: token, newlyGenerated: plainText)
    }

    private static func store(_ token: AdminToken, in file: URL, directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let written = FileManager.default.createFile(
            atPath: file.path, contents: Data(Hex.encode(token.hash).utf8), attributes: [.posixPermissions: 0o600])
        guard written else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path]) }
    }

    /// Constant-time: compares the digests of the presented and the stored token.
    public func matches(_ presented: String) -> Bool {
        let presentedHash = Array(SHA256.hash(data: Data(presented.utf8)))
        var difference: UInt8 = 0
        for (a, b) in zip(presentedHash, hash) { difference |= a ^ b }
        return difference == 0 && presentedHash.count == hash.count
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
