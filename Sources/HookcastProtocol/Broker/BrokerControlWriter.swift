/// Writes a control request as compact JSON, the form `BrokerControlReader` reads fast, without `JSONEncoder`:
/// an import of 10,000 devices is 100 requests of 100 accounts, and encoding them took the gateway about 100 ms of
/// CPU with `JSONEncoder` (`perf record` of an import), on a machine the broker shares. What it writes decodes with
/// `JSONDecoder` to the same request (`ControlWriterTests`).
public enum BrokerControlWriter {
    public static func encode(_ request: BrokerControlRequest) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64 + request.commands.reduce(0) { $0 + 120 * $1.deviceCount })
        output.append(contentsOf: #"{"commands":["#.utf8)
        for (index, command) in request.commands.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            write(command, to: &output)
        }
        output.append(contentsOf: "]}".utf8)
        return output
    }

    private static func write(_ command: BrokerControlCommand, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"command":"#.utf8)
        string(command.name, to: &output)
        switch command {
        case .putDevices(let devices):
            output.append(contentsOf: #","devices":["#.utf8)
            for (index, device) in devices.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output.append(contentsOf: #"{"id":"#.utf8)
                string(device.id.rawValue, to: &output)
                output.append(contentsOf: #","credential":"#.utf8)
                string(device.credential, to: &output)
                output.append(contentsOf: #","groups":"#.utf8)
                strings(device.groups.lazy.map(\.rawValue), to: &output)
                output.append(UInt8(ascii: "}"))
            }
            output.append(UInt8(ascii: "]"))
        case .setGroups(let devices):
            output.append(contentsOf: #","devices":["#.utf8)
            for (index, device) in devices.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output.append(contentsOf: #"{"id":"#.utf8)
                string(device.id.rawValue, to: &output)
                output.append(contentsOf: #","groups":"#.utf8)
                strings(device.groups.lazy.map(\.rawValue), to: &output)
                output.append(UInt8(ascii: "}"))
            }
            output.append(UInt8(ascii: "]"))
        case .deleteDevices(let ids):
            output.append(contentsOf: #","ids":"#.utf8)
            strings(ids.lazy.map(\.rawValue), to: &output)
        case .removeGroup(let group):
            output.append(contentsOf: #","group":"#.utf8)
            string(group.rawValue, to: &output)
        case .beginSync(let generation), .endSync(let generation):
            output.append(contentsOf: #","generation":"#.utf8)
            output.append(contentsOf: String(generation).utf8)
        case .digest:
            break
        }
        output.append(UInt8(ascii: "}"))
    }

    private static func strings(_ values: some Sequence<String>, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            string(value, to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }

    /// Identifiers and hex credentials never need escaping; anything else is escaped as JSON requires.
    private static func string(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(byte)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0f)])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
