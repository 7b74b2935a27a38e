import Foundation

extension UUID {
    /// A time-ordered (version 7, RFC 9562) UUID: the Unix time in milliseconds in its first 48 bits, 74 random
    /// bits from the system's generator after it. Command ids are these so that each new command lands at the
    /// end of the store's indexes on them instead of at a random page: with random ids every insert touched a
    /// different leaf page of each index, and the pages a commit writes grew with the history.
    public static func timeOrdered(at date: Date) -> UUID {
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
        var generator = SystemRandomNumberGenerator()
        let random = generator.next() as UInt64
        let moreRandom = generator.next() as UInt64
        var bytes = (
            UInt8(truncatingIfNeeded: milliseconds >> 40), UInt8(truncatingIfNeeded: milliseconds >> 32),
            UInt8(truncatingIfNeeded: milliseconds >> 24), UInt8(truncatingIfNeeded: milliseconds >> 16),
            UInt8(truncatingIfNeeded: milliseconds >> 8), UInt8(truncatingIfNeeded: milliseconds),
            UInt8(truncatingIfNeeded: random >> 56), UInt8(truncatingIfNeeded: random >> 48),
            UInt8(truncatingIfNeeded: moreRandom >> 56), UInt8(truncatingIfNeeded: moreRandom >> 48),
            UInt8(truncatingIfNeeded: moreRandom >> 40), UInt8(truncatingIfNeeded: moreRandom >> 32),
            UInt8(truncatingIfNeeded: moreRandom >> 24), UInt8(truncatingIfNeeded: moreRandom >> 16),
            UInt8(truncatingIfNeeded: moreRandom >> 8), UInt8(truncatingIfNeeded: moreRandom)
        )
        bytes.6 = (bytes.6 & 0x0f) | 0x70  // version 7
        bytes.8 = (bytes.8 & 0x3f) | 0x80  // RFC 9562 variant
        return UUID(uuid: bytes)
    }
}
