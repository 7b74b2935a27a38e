import Foundation

// The protocol's values as `JSONWriter` writes them; each matches its `Encodable` output under
// `JSONCoding.encoder()` (keys in sorted order), which `JSONWriterTests` checks.

extension DeviceID: JSONWritable {
    public func write(to writer: inout JSONWriter) { writer.string(rawValue) }
}

extension ActionTarget: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.openObject()
        switch self {
        case .device(let id):
            writer.key("id")
            writer.string(id.rawValue)
        case .group(let id):
            writer.key("id")
            writer.string(id.rawValue)
        case .all, .tag:
            break
        }
        writer.key("kind")
        writer.string(kind)
        if case .tag(let selection) = self {
            writer.key("match")
            writer.string(selection.match.rawValue)
            writer.key("tags")
            writer.openArray()
            for tag in selection.tags { writer.string(tag) }
            writer.closeArray()
        }
        writer.closeObject()
    }
}

extension ActionParameters: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.openObject()
        if let commandID {
            writer.key("command_id")
            writer.string(commandID)
        }
        if let datasourceID {
            writer.key("datasource_id")
            writer.string(datasourceID)
        }
        if let durationSeconds {
            writer.key("duration_seconds")
            writer.int(durationSeconds)
        }
        if let level {
            writer.key("level")
            writer.string(level.rawValue)
        }
        if let loopID {
            writer.key("loop_id")
            writer.string(loopID)
        }
        if let message {
            writer.key("message")
            writer.string(message)
        }
        if let state {
            writer.key("state")
            writer.string(state.rawValue)
        }
        if let until {
            writer.key("until")
            writer.string(until)
        }
        if let url {
            writer.key("url")
            writer.string(url)
        }
        writer.closeObject()
    }
}

extension SensorData: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.openObject()
        writer.key("event")
        writer.string(event)
        writer.key("id")
        writer.string(id)
        writer.key("value")
        switch value {
        case .null: writer.null()
        case .bool(let flag): writer.bool(flag)
        case .string(let text): writer.string(text)
        case .number(let number): writer.number(number)
        // Arrays and objects (a sensor's own payload) as Foundation writes them: its key order is its own.
        case .array, .object: writer.json((try? JSONCoding.encoder().encode(value)) ?? Data("null".utf8))
        }
        writer.closeObject()
    }
}

extension CommandEnvelope: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.openObject()
        writer.key("event_id")
        writer.string(eventID.rawValue)
        writer.key("expires_at")
        writer.timestamp(expiresAt)
        writer.key("function")
        writer.string(function.rawValue)
        writer.key("id")
        writer.string(id.lowercasedString)
        writer.key("issued_at")
        writer.timestamp(issuedAt)
        writer.key("params")
        params.write(to: &writer)
        if let sensorData {
            writer.key("sensor_data")
            sensorData.write(to: &writer)
        }
        writer.key("target")
        target.write(to: &writer)
        writer.key("v")
        writer.int(version)
        writer.closeObject()
    }
}

extension JSONWriter {
    /// A timestamp as `JSONCoding.timestamp` spells it (no character in it needs escaping).
    public mutating func timestamp(_ date: Date) {
        json([UInt8(ascii: "\"")] + JSONCoding.timestampBytes(date) + [UInt8(ascii: "\"")])
    }
}
