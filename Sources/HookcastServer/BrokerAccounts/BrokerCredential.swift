import Crypto

/// What the broker plugin and the store keep of a device's broker password: its SHA-256 as 64 lowercase hex
/// digits. Passwords are 192-bit random tokens (`BrokerPassword`), which no one can guess or search, so a slow
/// password hash would protect nothing and would cost the broker's only thread at every login.
enum BrokerCredential {
    static func of(password: String) -> String {
        SHA256.hash(data: Array(password.utf8)).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 0x10 ? "0" + digits : digits
        }.joined()
    }
}
