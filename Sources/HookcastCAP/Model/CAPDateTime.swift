import Foundation

/// A CAP 1.2 date and time, `YYYY-MM-DDThh:mm:ss±hh:mm` with optional fractional seconds, kept as sent (`text`, which
/// `<references>` repeat verbatim) and as an instant (`date`). Encodes as its text.
public struct CAPDateTime: Sendable, Equatable, Hashable, Codable {
    public var text: String
    public var date: Date

    public enum FormatError: Error, Sendable, Equatable {
        /// "Z" for UTC, which XML Schema allows and CAP 1.2 forbids.
        case zoneDesignator
        case notCAPForm
    }

    public init(_ text: String) throws(FormatError) {
        self.text = text
        self.date = try Self.parse(Array(text.utf8))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a CAP 1.2 date and time (YYYY-MM-DDThh:mm:ss±hh:mm)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    private static func parse(_ bytes: [UInt8]) throws(FormatError) -> Date {
        func number(_ start: Int, _ count: Int) throws(FormatError) -> Int {
            guard start + count <= bytes.count else { throw .notCAPForm }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .notCAPForm }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func expect(_ character: Character, at index: Int) throws(FormatError) {
            guard index < bytes.count, bytes[index] == character.asciiValue else { throw .notCAPForm }
        }
        let year = try number(0, 4)
        try expect("-", at: 4)
        let month = try number(5, 2)
        try expect("-", at: 7)
        let day = try number(8, 2)
        try expect("T", at: 10)
        let hour = try number(11, 2)
        try expect(":", at: 13)
        let minute = try number(14, 2)
        try expect(":", at: 16)
        let second = try number(17, 2)
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            let start = index + 1
            index = start
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            guard index > start, index - start <= 9 else { throw .notCAPForm }
            fraction = Double(try number(start, index - start)) / pow(10, Double(index - start))
        }
        guard index < bytes.count else { throw .notCAPForm }
        if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") { throw .zoneDesignator }
        let sign: Int
        switch bytes[index] {
        case UInt8(ascii: "+"): sign = 1
        case UInt8(ascii: "-"): sign = -1
        default: throw .notCAPForm
        }
        let offsetHours = try number(index + 1, 2)
        try expect(":", at: index + 3)
        let offsetMinutes = try number(index + 4, 2)
        guard index + 6 == bytes.count, year >= 1, (1...12).contains(month),
            (1...daysIn(month: month, year: year)).contains(day), hour <= 23, minute <= 59, second <= 59,
            offsetHours <= 14, offsetMinutes <= 59
        else { throw .notCAPForm }
        let local = daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
        let utc = local - sign * (offsetHours * 3_600 + offsetMinutes * 60)
        return Date(timeIntervalSince1970: Double(utc) + fraction)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`): plain arithmetic,
    /// so no Calendar or time zone database is involved.
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
