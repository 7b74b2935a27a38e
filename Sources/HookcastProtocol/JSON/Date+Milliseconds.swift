import Foundation

extension Date {
    /// Whole milliseconds since 1970: the precision the stores and the MQTT envelope keep.
    ///
    /// Rounds to the nearest millisecond rather than down, so a date already at millisecond precision maps back to
    /// the same integer despite the floating-point error of `Date`'s reference-date arithmetic.
    public var millisecondsSince1970: Int64 {
        Int64((timeIntervalSince1970 * 1000).rounded())
    }

    public init(millisecondsSince1970 milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// This date at millisecond precision, so a record compares equal after a round trip through a store.
    public var roundedToMilliseconds: Date {
        Date(millisecondsSince1970: millisecondsSince1970)
    }
}
