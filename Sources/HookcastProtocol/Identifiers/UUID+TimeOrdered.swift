import Foundation

extension UUID {
    /// A time-ordered (version 7, RFC 9562) UUID: the Unix time in milliseconds in its first 48 bits, 74 random
    /// bits from the system's generator after it. Command ids are these so that each new command lands at the
    /// end of the store's indexes on them instead of at a random page: with random ids every insert touched a
    /// different leaf page of each index, and the pages a commit writes grew with the history.
    public static func timeOrdered(at date: Date) -> UUID {
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
        var generator = SystemRandomNumberGenerator()
        let random: UInt64 = generator.next()
        return UUID(high: milliseconds << 16 | random & 0xffff, low: generator.next(), version: 7)
    }
}
