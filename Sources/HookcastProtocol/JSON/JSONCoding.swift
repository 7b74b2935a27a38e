import Foundation

/// The JSON settings used for stored columns and device messages: sorted keys so equal values give equal bytes.
public enum JSONCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        JSONDecoder()
    }

    private static let secondsStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)
    private static let fractionalStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// ISO-8601 in UTC with milliseconds, e.g. `2025-01-02T03:04:05.678Z`.
    public static func timestamp(_ date: Date) -> String {
        String(decoding: timestampBytes(date), as: UTF8.self)
    }

    /// `timestamp(_:)`'s bytes, computed from the whole milliseconds: every command envelope carries two, and
    /// Foundation's formatter cost more than the rest of the envelope. Years outside 1583–9999 (never a command's)
    /// go through the formatter: before 1583 it counts in the Julian calendar, the arithmetic only in the Gregorian.
    public static func timestampBytes(_ date: Date) -> [UInt8] {
        let (seconds, milliseconds) = floorDivision(date.millisecondsSince1970, 1000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = civilDate(daysSince1970: days)
        guard (1583...9999).contains(year) else { return Array(formattedTimestamp(date).utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        bytes.append(UInt8(ascii: "."))
        digits(milliseconds, 3)
        bytes.append(UInt8(ascii: "Z"))
        return bytes
    }

    /// The formatter's rendering, for the years the arithmetic does not cover.
    ///
    /// The milliseconds come from the integer, not from the formatter, which truncates `Date`'s binary fraction and
    /// can print `.122` for a date stored as `.123`.
    static func formattedTimestamp(_ date: Date) -> String {
        let (seconds, fraction) = floorDivision(date.millisecondsSince1970, 1000)
        let base = secondsStyle.format(Date(timeIntervalSince1970: TimeInterval(seconds)))
        let digits = String(fraction)
        return String(base.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Quotient rounded down and a non-negative remainder, for dates before 1970.
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// The proleptic Gregorian date of a day count (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = daysSince1970 + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Reads an ISO-8601 timestamp. The canonical spelling (`timestamp(_:)`'s, which every Hookcast message uses)
    /// is read by arithmetic: each acknowledgement carries one, and the formatter cost more than the rest of its
    /// parsing. Every other spelling goes to the formatter, so what it accepts and refuses is unchanged.
    public static func date(fromTimestamp text: String) -> Date? {
        if let milliseconds = canonicalMilliseconds(text) { return Date(millisecondsSince1970: milliseconds) }
        return parsedTimestamp(text)
    }

    /// The formatter's reading.
    static func parsedTimestamp(_ text: String) -> Date? {
        (try? fractionalStyle.parse(text))?.roundedToMilliseconds
    }

    /// The milliseconds of `YYYY-MM-DDTHH:MM:SS.sssZ` with every field in range and a year in 1583–9999; nil for
    /// anything else.
    static func canonicalMilliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { bytes -> Int64? in
            guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
            else { return nil }
            func number(_ range: Range<Int>) -> Int64? {
                var value: Int64 = 0
                for index in range {
                    let digit = bytes[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int64(digit)
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
                let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
                let milliseconds = number(20..<23), (1583...9999).contains(year), (1...12).contains(month),
                day >= 1, day <= daysIn(month: month, of: year), hour < 24, minute < 60, second < 60
            else { return nil }
            let days = daysSince1970(year: year, month: month, day: day)
            return (days * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + milliseconds
        }
    }

    private static func daysIn(month: Int64, of year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's `days_from_civil`, the inverse of `civilDate`.
    private static func daysSince1970(year: Int64, month: Int64, day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = (marchYear >= 0 ? marchYear : marchYear - 399) / 400
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension KeyedDecodingContainer {
    /// Reads an ISO-8601 UTC timestamp with milliseconds, the form every Hookcast message writes.
    public func decodeTimestamp(forKey key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = JSONCoding.date(fromTimestamp: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "\(key.stringValue) must be an ISO-8601 UTC timestamp with milliseconds")
        }
        return date
    }
}
