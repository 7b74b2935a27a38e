import Crypto
import Foundation

/// A generated MQTT password: 192 random bits, URL-safe so it survives shells and config files unquoted.
enum BrokerPassword {
    static func generate() -> String {
        Base64URL.encode(SymmetricKey(size: .init(bitCount: 192)).withUnsafeBytes { Data($0) })
    }
}
