import Crypto

/// What the broker plugin and the store keep of a device's broker password: its SHA-256 as 64 lowercase hex
/// digits. Passwords are 192-bit random tokens (`BrokerPassword`), which no one can guess or search, so a slow
/// password hash would protect nothing and would cost the broker's only thread at every login.
enum BrokerCredential {
    private static let digits = Array("0123456789abcdef".utf8)

    static func of(password: String) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(2 * SHA256.byteCount)
        for byte in SHA256.hash(data: Array(password.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
