import Crypto
import Foundation

/// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body` with the
/// key's signing secret, sent as `webhook-signature: v1,<base64>` (several, space-separated, during a rotation)
/// next to `webhook-id` and `webhook-timestamp` (Unix seconds).
public enum WebhookSignature {
    /// How far the timestamp may be from the gateway's clock, either way, before it is refused as a replay.
    public static let tolerance: TimeInterval = 5 * 60

    public enum Failure: Error, Equatable, Sendable {
        case missingHeaders
        case invalidTimestamp
        case timestampOutOfRange
        case noValidSignature
    }

    /// The header value a sender puts in `webhook-signature`.
    public static func sign(id: String, timestamp: Int64, body: some Collection<UInt8>, secret: SigningSecret)
        -> String
    {
        "v1," + Data(mac(id: id, timestamp: String(timestamp), body: body, secret: secret)).base64EncodedString()
    }

    /// Succeeds when one of the `v1` signatures matches and the timestamp is within `tolerance` of `now`.
    public static func verify(
        id: String?, timestamp: String?, signatures: String?, body: some Collection<UInt8>, secret: SigningSecret,
        now: Date = Date()
    ) throws(Failure) {
        try verify(id: id, timestamp: timestamp, signatures: signatures, body: body, secrets: [secret], now: now)
    }

    /// As above, with any of `secrets`: the key's current one and, during a rotation's grace period, the one it
    /// replaced.
    public static func verify(
        id: String?, timestamp: String?, signatures: String?, body: some Collection<UInt8>,
        secrets: [SigningSecret], now: Date = Date()
    ) throws(Failure) {
        guard let id, !id.isEmpty, let timestamp, let signatures, !signatures.isEmpty else {
            throw .missingHeaders
        }
        guard timestamp.utf8.count <= 19, timestamp.allSatisfy(\.isASCIIDigit), let seconds = Int64(timestamp) else {
            throw .invalidTimestamp
        }
        guard abs(now.timeIntervalSince1970 - Double(seconds)) <= tolerance else { throw .timestampOutOfRange }
        let presented = signatures.split(separator: " ").compactMap { candidate -> Data? in
            let parts = candidate.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1" else { return nil }
            return Data(base64Encoded: String(parts[1]))
        }
        for secret in secrets {
            let expected = Data(mac(id: id, timestamp: timestamp, body: body, secret: secret))
            if presented.contains(where: { ConstantTime.equal($0, expected) }) { return }
        }
        throw .noValidSignature
    }

    private static func mac(id: String, timestamp: String, body: some Collection<UInt8>, secret: SigningSecret)
        -> HashedAuthenticationCode<SHA256>
    {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: secret.keyBytes))
        hmac.update(data: Array("\(id).\(timestamp).".utf8))
        hmac.update(data: Array(body))
        return hmac.finalize()
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
