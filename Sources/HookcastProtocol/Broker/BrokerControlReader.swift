import Foundation

/// Reads a control request in the plain form the gateway writes, about ten times faster than `JSONDecoder` (the
/// broker plugin reads requests on the broker's only thread, which delivers nothing meanwhile: bench/README.md,
/// "Broker accounts"). It accepts only a strict subset of JSON: object keys and strings without escapes or
/// non-ASCII bytes, no unknown or repeated keys, identifiers that are valid,
/// integers without sign, fraction or exponent. For anything else it returns nil, and the caller decodes the
/// request the general way, which also words the error. Whenever it returns a request, `JSONDecoder` would have
/// returned the same (checked by `BrokerControlReaderTests` on generated and mutated requests).
public enum BrokerControlReader {
    public static func read(_ data: Data) -> BrokerControlRequest? {
        data.withUnsafeBytes { bytes in
            var scanner = Scanner(bytes: bytes)
            return scanner.request()
        }
    }

    /// A cursor over the bytes; every method returns nil (or false) as soon as the input leaves the subset.
    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        mutating func request() -> BrokerControlRequest? {
            guard expect("{"), key() == "commands",
                let commands = array({ (scanner: inout Scanner) in scanner.command() }),
                expect("}")
            else { return nil }
            skipWhitespace()
            guard index == bytes.count else { return nil }
            return BrokerControlRequest(commands: commands)
        }

        /// A command's members may come in any order (JSONEncoder does not keep the order of a keyed container),
        /// so they are read first and checked against the command's name after.
        private mutating func command() -> BrokerControlCommand? {
            var name: String?
            var devices: [Device]?
            var ids: [DeviceID]?
            var group: GroupID?
            var generation: UInt64?
            guard
                members({ (scanner: inout Scanner, key: String) in
                    switch key {
                    case "command" where name == nil:
                        name = scanner.string()
                        return name != nil
                    case "devices" where devices == nil:
                        devices = scanner.array { $0.device() }
                        return devices != nil
                    case "ids" where ids == nil:
                        ids = scanner.array { $0.identifier(DeviceID.self) }
                        return ids != nil
                    case "group" where group == nil:
                        group = scanner.identifier(GroupID.self)
                        return group != nil
                    case "generation" where generation == nil:
                        generation = scanner.unsigned()
                        return generation != nil
                    default: return false
                    }
                })
            else { return nil }
            // Exactly the members the command needs: JSONDecoder would ignore the others, the subset leaves them out.
            let others =
                (devices == nil ? 0 : 1) + (ids == nil ? 0 : 1) + (group == nil ? 0 : 1)
                + (generation == nil ? 0 : 1)
            switch name {
            case "putDevices":
                guard others == 1, let devices else { return nil }
                var accounts: [BrokerDeviceAccount] = []
                accounts.reserveCapacity(devices.count)
                for device in devices {
                    guard let credential = device.credential else { return nil }
                    accounts.append(
                        BrokerDeviceAccount(
                            id: device.id, credential: credential, groups: device.groups, tags: device.tags))
                }
                return .putDevices(accounts)
            case "setGroups":
                guard others == 1, let devices, devices.allSatisfy({ $0.credential == nil }) else { return nil }
                return .setGroups(devices.map { BrokerDeviceGroups(id: $0.id, groups: $0.groups, tags: $0.tags) })
            case "deleteDevices":
                guard others == 1, let ids else { return nil }
                return .deleteDevices(ids)
            case "removeGroup":
                guard others == 1, let group else { return nil }
                return .removeGroup(group)
            case "beginSync":
                guard others == 1, let generation else { return nil }
                return .beginSync(generation: generation)
            case "endSync":
                guard others == 1, let generation else { return nil }
                return .endSync(generation: generation)
            case "digest":
                return others == 0 ? .digest : nil
            default:
                return nil
            }
        }

        /// An element of `devices`: a `putDevices` account has a credential, a `setGroups` entry none.
        private struct Device {
            var id: DeviceID
            var credential: String?
            var groups: [GroupID]
            var tags: [String]
        }

        private mutating func device() -> Device? {
            var id: DeviceID?
            var credential: String?
            var groups: [GroupID]?
            var tags: [String]?
            guard
                members({ (scanner: inout Scanner, key: String) in
                    switch key {
                    case "id" where id == nil:
                        id = scanner.identifier(DeviceID.self)
                        return id != nil
                    case "credential" where credential == nil:
                        credential = scanner.string()
                        return credential != nil
                    case "groups" where groups == nil:
                        groups = scanner.array { $0.identifier(GroupID.self) }
                        return groups != nil
                    case "tags" where tags == nil:
                        // An invalid level leaves the subset: the plugin then refuses it, naming the device.
                        tags = scanner.array { $0.string().flatMap { DeviceTags.isTopicLevel($0[...]) ? $0 : nil } }
                        return tags != nil
                    default: return false
                    }
                }), let id, let groups
            else { return nil }
            return Device(id: id, credential: credential, groups: groups, tags: tags ?? [])
        }

        /// An object whose every member `member` reads (false: leave the subset).
        private mutating func members(_ member: (inout Scanner, String) -> Bool) -> Bool {
            guard expect("{") else { return false }
            if expect("}") { return true }
            repeat {
                guard let key = key(), member(&self, key) else { return false }
            } while expect(",")
            return expect("}")
        }

        /// `[ element, … ]`, possibly empty.
        mutating func array<Element>(_ element: (inout Scanner) -> Element?) -> [Element]? {
            guard expect("[") else { return nil }
            var elements: [Element] = []
            if expect("]") { return elements }
            repeat {
                guard let next = element(&self) else { return nil }
                elements.append(next)
            } while expect(",")
            return expect("]") ? elements : nil
        }

        private mutating func identifier<Identifier: ValidatedIdentifier>(_ type: Identifier.Type) -> Identifier? {
            guard let raw = string() else { return nil }
            return try? Identifier(raw, field: Identifier.defaultField)
        }

        /// `"name":`
        private mutating func key() -> String? {
            guard let name = string(), expect(":") else { return nil }
            return name
        }

        /// A string of printable ASCII without escapes.
        private mutating func string() -> String? {
            guard expect("\"") else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
                index += 1
            }
            return nil
        }

        /// Digits without a leading zero (bar "0" itself), fitting in a UInt64.
        private mutating func unsigned() -> UInt64? {
            skipWhitespace()
            let start = index
            var value: UInt64 = 0
            while index < bytes.count, case let byte = bytes[index], byte >= UInt8(ascii: "0"),
                byte <= UInt8(ascii: "9")
            {
                let (times10, overflowA) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowB) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflowA, !overflowB else { return nil }
                value = sum
                index += 1
            }
            let digits = index - start
            guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            // "1.5", "1e3": not an integer the subset reads.
            if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
                return nil
            }
            return value
        }

        /// Skips whitespace, then consumes `character` if it comes next.
        private mutating func expect(_ character: Unicode.Scalar) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        private mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
                default: return
                }
            }
        }
    }
}
