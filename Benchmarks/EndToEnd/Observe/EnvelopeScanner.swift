import Foundation

/// Pulls the few fields the benchmark needs out of command envelopes and acknowledgements without a full JSON
/// decode, which at tens of thousands of messages a second would take a core of its own. Both documents have
/// sorted keys and no spaces (docs/protocol.md), so the first `"id":"` after `{` or `,` is the envelope's own id.
/// Anything that does not match falls back to `JSONSerialization`.
enum EnvelopeScanner {
    /// The command's id and the benchmark's request number (its `sensor_data.id`).
    static func command(_ payload: [UInt8]) -> (commandID: String, sequence: Int)? {
        if let id = string(after: Array(#","id":""#.utf8), in: payload),
            let sensorStart = range(of: Array(#""sensor_data":{"#.utf8), in: payload, from: 0),
            let raw = string(after: Array(#""id":""#.utf8), in: payload, from: sensorStart.upperBound),
            let sequence = Int(raw)
        {
            return (id, sequence)
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
            let id = object["id"] as? String,
            let sensorData = object["sensor_data"] as? [String: Any],
            let raw = sensorData["id"] as? String, let sequence = Int(raw)
        else { return nil }
        return (id, sequence)
    }

    /// The acknowledged command's id.
    static func acknowledgedCommand(_ payload: [UInt8]) -> String? {
        if let id = string(after: Array(#""command_id":""#.utf8), in: payload) { return id }
        let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
        return object?["command_id"] as? String
    }

    private static func string(after marker: [UInt8], in bytes: [UInt8], from start: Int = 0) -> String? {
        guard let found = range(of: marker, in: bytes, from: start) else { return nil }
        guard let end = bytes[found.upperBound...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: bytes[found.upperBound..<end], as: UTF8.self)
    }

    private static func range(of marker: [UInt8], in bytes: [UInt8], from start: Int) -> Range<Int>? {
        guard !marker.isEmpty, bytes.count >= marker.count else { return nil }
        var index = start
        while index <= bytes.count - marker.count {
            if bytes[index] == marker[0], bytes[index..<(index + marker.count)].elementsEqual(marker) {
                return index..<(index + marker.count)
            }
            index += 1
        }
        return nil
    }
}
