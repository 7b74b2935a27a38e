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
    ///
    /// The milliseconds come from the integer, not from the formatter, which truncates `Date`'s binary fraction and
    /// can print `.122` for a date stored as `.123`.
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = date.millisecondsSince1970
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let wholeSeconds = fraction < 0 ? seconds - 1 : seconds
        let positiveFraction = fraction < 0 ? fraction + 1000 : fraction
        let base = secondsStyle.format(Date(timeIntervalSince1970: TimeInterval(wholeSeconds)))
        let digits = String(positiveFraction)
        return String(base.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    public static func date(fromTimestamp text: String) -> Date? {
        (try? fractionalStyle.parse(text))?.roundedToMilliseconds
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
