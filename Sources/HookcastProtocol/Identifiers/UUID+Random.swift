import Foundation

extension UUID {
    /// A random (version 4) UUID from the system's generator (`getrandom` on Linux). Foundation's `UUID()` opened,
    /// read and closed /dev/urandom for each one on Linux: three system calls per command id, measured with strace
    /// on the webhook path.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        return UUID(high: generator.next(), low: generator.next(), version: 4)
    }

    /// The UUID whose 128 bits are `high` then `low` (big-endian), with `version` in its version field and the
    /// RFC 9562 variant: the bits those two fields take from `high` and `low` are overwritten.
    init(high: UInt64, low: UInt64, version: UInt8) {
        var bytes = (
            UInt8(truncatingIfNeeded: high >> 56), UInt8(truncatingIfNeeded: high >> 48),
            UInt8(truncatingIfNeeded: high >> 40), UInt8(truncatingIfNeeded: high >> 32),
            UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
            UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
            UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48),
            UInt8(truncatingIfNeeded: low >> 40), UInt8(truncatingIfNeeded: low >> 32),
            UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
            UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)
        )
        bytes.6 = (bytes.6 & 0x0f) | (version << 4)
        bytes.8 = (bytes.8 & 0x3f) | 0x80
        self.init(uuid: bytes)
    }
}
