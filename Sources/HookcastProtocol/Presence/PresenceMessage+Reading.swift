import Foundation

extension PresenceMessage {
    /// Parses a payload; for the gateway and tests. A payload over `maximumSize` is refused unread.
    ///
    /// A gateway reads every device's retained presence each time it connects (10,000 at once for 10,000 devices),
    /// and `JSONDecoder` was then most of its CPU. So a presence without a `state` (what most devices send) is read
    /// field by field with `JSONParser`, as `Acknowledgement.decode` reads; anything else, and anything that
    /// reading does not accept, goes through `init(from:)`, which therefore makes every refusal and names its
    /// field. `PresenceReadingTests` holds the two readings against each other.
    public static func decode(_ bytes: [UInt8]) throws -> PresenceMessage {
        guard bytes.count <= maximumSize else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "a presence message is at most \(maximumSize) bytes"))
        }
        // The reference agent's `online` carries a state: looking for its key first keeps such a presence from
        // being parsed twice. A key spelled with escapes is missed here and found by the field reading instead.
        if !Self.mentionsState(bytes), let fields = try? UntrustedJSON.fields(Self.fieldNames, of: bytes),
            let read = Self(stateless: fields)
        {
            return read
        }
        return try UntrustedJSON.decode(PresenceMessage.self, from: Data(bytes))
    }

    /// Whether `"state"` occurs anywhere in the payload (as a key, or inside a value).
    private static func mentionsState(_ bytes: [UInt8]) -> Bool {
        let key = Array(#""state""#.utf8)
        guard bytes.count >= key.count else { return false }
        return (0...(bytes.count - key.count)).contains { start in
            bytes[start] == key[0] && bytes[start..<(start + key.count)].elementsEqual(key)
        }
    }

    /// What `init(stateless:)` reads, in its order.
    private static let fieldNames = ["v", "device_id", "status", "agent_version", "since", "state"]

    /// The message when every field is as `init(from:)` would accept it and there is no state to read; nil
    /// otherwise.
    private init?(stateless fields: [JSONValue?]) {
        guard case .number(let number)? = fields[0], let version = Int(exactly: number),
            case .string(let deviceText)? = fields[1], let deviceID = try? DeviceID(deviceText),
            case .string(let statusText)? = fields[2], let status = PresenceStatus(rawValue: statusText),
            case .string(let agentVersion)? = fields[3],
            case .string(let sinceText)? = fields[4], let since = JSONCoding.date(fromTimestamp: sinceText)
        else { return nil }
        switch fields[5] {
        case nil, .null?: break
        default: return nil
        }
        self.init(deviceID: deviceID, status: status, agentVersion: agentVersion, since: since)
        self.version = version
    }
}
