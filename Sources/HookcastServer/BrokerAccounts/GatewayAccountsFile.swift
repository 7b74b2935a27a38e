import Foundation
import HookcastProtocol

/// The broker plugin's gateway accounts file (`plugin_opt_gateway_accounts`): one `username:credential` line per
/// account allowed to command devices and change device accounts. `hookcast broker-setup` writes it with the
/// gateway's account before mosquitto first starts, next to the credentials file `hookcast serve` reads.
public enum GatewayAccountsFile {
    public static let gatewayUsername = "hookcast-gateway"

    /// Writes the gateway accounts file and the gateway's credentials, each only if missing (mode 0600); returns
    /// whether anything was written. Credentials without an accounts file (a data directory from before the plugin)
    /// get one made from them; an accounts file without the credentials is refused, as its password is gone.
    @discardableResult
    public static func create(accounts: URL, credentials: URL) throws -> Bool {
        let manager = FileManager.default
        let haveAccounts = manager.fileExists(atPath: accounts.path)
        let haveCredentials = manager.fileExists(atPath: credentials.path)
        switch (haveAccounts, haveCredentials) {
        case (true, true):
            return false
        case (true, false):
            throw BrokerSetupError.halfConfigured(present: accounts.path, missing: credentials.path)
        case (false, true):
            let existing = try BrokerCredentials.load(from: credentials)
            try writePrivately(
                Data(contents(username: existing.username, password: existing.password).utf8), to: accounts)
            return true
        case (false, false):
            let password = BrokerPassword.generate()
            try writePrivately(Data(contents(username: gatewayUsername, password: password).utf8), to: accounts)
            try writePrivately(
                try JSONCoding.encoder().encode(BrokerCredentials(username: gatewayUsername, password: password)),
                to: credentials)
            return true
        }
    }

    /// The file's text: the password only as its SHA-256, as the plugin keeps device passwords.
    static func contents(username: String, password: String) -> String {
        """
        # Hookcast broker plugin: accounts that may command devices and change device accounts.
        # username:sha256-hex-of-password, written by `hookcast broker-setup`; the broker re-reads it on SIGHUP.
        \(username):\(BrokerCredential.of(password: password))

        """
    }

    private static func writePrivately(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }
}

/// A user name and password for the broker, as kept in the gateway's credentials file.
public struct BrokerCredentials: Codable, Sendable {
    public let username: String
    public let password: String

    public static func load(from url: URL) throws -> BrokerCredentials {
        try JSONDecoder().decode(BrokerCredentials.self, from: Data(contentsOf: url))
    }
}

public enum BrokerSetupError: Error, CustomStringConvertible {
    case halfConfigured(present: String, missing: String)

    public var description: String {
        switch self {
        case .halfConfigured(let present, let missing):
            "\(present) exists but \(missing) does not; restore it, or delete both to start over (the gateway "
                + "then has a new broker password)"
        }
    }
}
