import Foundation
import HookcastProtocol

/// JSON settings for what the agent writes to disk: sorted keys and the protocol's ISO-8601 timestamps, so the
/// state file reads like the messages on the wire.
public enum DeviceJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONCoding.encoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(JSONCoding.timestamp(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONCoding.decoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = JSONCoding.date(fromTimestamp: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO-8601 UTC timestamp with milliseconds")
            }
            return date
        }
        return decoder
    }
}
