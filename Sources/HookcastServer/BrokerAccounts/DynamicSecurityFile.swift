import Crypto
import Foundation
import HookcastProtocol
import _CryptoExtras

/// The dynamic-security plugin's starting configuration: the gateway's account with its role, the role every
/// device shares, and deny-by-default access. `hookcast broker-setup` writes it before mosquitto first starts;
/// from then on the broker owns the file and the gateway changes it only through the plugin's control topic.
public enum DynamicSecurityFile {
    public static let gatewayUsername = "hookcast-gateway"

    /// What no role allows is refused. Unsubscribing stays allowed: it can only take access away.
    static let defaultAccess: KeyValuePairs<String, Bool> = [
        "publishClientSend": false, "publishClientReceive": false, "subscribe": false, "unsubscribe": true,
    ]

    /// Writes the plugin configuration and the gateway's credentials, each only if missing (mode 0600); returns
    /// whether anything was written. Both or neither: a configuration without the credentials that open it is
    /// useless.
    @discardableResult
    public static func create(configuration: URL, credentials: URL) throws -> Bool {
        let manager = FileManager.default
        let haveConfiguration = manager.fileExists(atPath: configuration.path)
        let haveCredentials = manager.fileExists(atPath: credentials.path)
        if haveConfiguration && haveCredentials { return false }
        guard !haveConfiguration && !haveCredentials else {
            throw BrokerSetupError.halfConfigured(
                present: haveConfiguration ? configuration.path : credentials.path,
                missing: haveConfiguration ? credentials.path : configuration.path)
        }
        let password = BrokerPassword.generate()
        try writePrivately(try document(gatewayPassword: password), to: configuration)
        try writePrivately(
            try JSONCoding.encoder().encode(BrokerCredentials(username: gatewayUsername, password: password)),
            to: credentials)
        return true
    }

    static func document(gatewayPassword: String) throws -> Data {
        let salt = SymmetricKey(size: .init(bitCount: 96)).withUnsafeBytes { Data($0) }
        // mosquitto's own password format: PBKDF2-SHA512 with its default 101 iterations. The password is 192
        // random bits, so a higher work factor would protect nothing; it matters only for guessable passwords.
        let hash = try KDF.Insecure.PBKDF2.deriveKey(
            from: Data(gatewayPassword.utf8), salt: salt, using: .sha512, outputByteCount: 64,
            unsafeUncheckedRounds: 101)
        let document: JSONValue = .object([
            "clients": .array([
                .object([
                    "username": .string(gatewayUsername),
                    "textname": .string("Hookcast gateway"),
                    "password": .string(hash.withUnsafeBytes { Data($0) }.base64EncodedString()),
                    "salt": .string(salt.base64EncodedString()),
                    "iterations": .number(101),
                    "roles": .array([.object(["rolename": .string(BrokerAccessPolicy.gatewayRole)])]),
                ])
            ]),
            "groups": .array([]),
            "roles": .array([
                role(BrokerAccessPolicy.gatewayRole, BrokerAccessPolicy.gateway),
                role(BrokerAccessPolicy.everyDeviceRole, BrokerAccessPolicy.everyDevice),
            ]),
            "defaultACLAccess": .object(
                Dictionary(uniqueKeysWithValues: defaultAccess.map { ($0.key, JSONValue.bool($0.value)) })),
        ])
        return try JSONCoding.encoder().encode(document)
    }

    private static func role(_ name: String, _ permissions: [TopicPermission]) -> JSONValue {
        .object([
            "rolename": .string(name),
            "acls": .array(
                permissions.map {
                    .object(["acltype": .string($0.kind.rawValue), "topic": .string($0.topic), "allow": .bool(true)])
                }),
        ])
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
            "\(present) exists but \(missing) does not; restore it, or delete both to start over (every device then "
                + "needs a new password)"
        }
    }
}
