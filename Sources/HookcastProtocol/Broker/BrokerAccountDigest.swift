/// A fingerprint of a set of device accounts that the gateway computes from its store and the plugin keeps up to
/// date with every change, so a reconciliation that finds both equal sends nothing.
///
/// Each account contributes the 128-bit FNV-1a hash of `id`, NUL, `credential`, then NUL and each group id in
/// ascending order, then byte 0x01 and each tag level in ascending order (so an account without tags hashes as it
/// did before tags); the digest is the wrapping sum of those, as 32 lowercase hex digits. A sum does not depend on
/// order and is updated in O(1) per change (subtract the old contribution, add the new). Not a security measure:
/// it finds drift, and the control topic is the gateway's alone.
public struct BrokerAccountDigest: Sendable, Equatable {
    public private(set) var sum: UInt128 = 0
    public private(set) var count = 0

    public init() {}

    public init(_ accounts: some Sequence<BrokerDeviceAccount>) {
        for account in accounts { add(account) }
    }

    public mutating func add(_ account: BrokerDeviceAccount) {
        sum &+= Self.contribution(account)
        count += 1
    }

    public mutating func remove(_ account: BrokerDeviceAccount) {
        sum &-= Self.contribution(account)
        count -= 1
    }

    /// 32 lowercase hex digits.
    public var hex: String {
        let digits = String(sum, radix: 16)
        return String(repeating: "0", count: 32 - digits.count) + digits
    }

    public static func contribution(_ account: BrokerDeviceAccount) -> UInt128 {
        var hash: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
        let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B
        func mix(_ byte: UInt8) {
            hash ^= UInt128(byte)
            hash &*= prime
        }
        for byte in account.id.rawValue.utf8 { mix(byte) }
        mix(0)
        for byte in account.credential.utf8 { mix(byte) }
        for group in account.groups.map(\.rawValue).sorted() {
            mix(0)
            for byte in group.utf8 { mix(byte) }
        }
        for tag in account.tags.sorted() {
            mix(1)
            for byte in tag.utf8 { mix(byte) }
        }
        return hash
    }
}
