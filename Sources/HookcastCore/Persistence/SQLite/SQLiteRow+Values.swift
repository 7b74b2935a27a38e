import Foundation
import HookcastProtocol

/// Reads columns in the store's formats; a value of the wrong type means a damaged database, not bad input.
extension SQLiteRow {
    func string(_ column: String) throws -> String {
        guard let value = try optionalString(column) else { throw Self.corrupt(column) }
        return value
    }

    func optionalString(_ column: String) throws -> String? {
        let data = try value(column)
        if data.isNull { return nil }
        guard case .text(let text) = data else { throw Self.corrupt(column) }
        return text
    }

    func int(_ column: String) throws -> Int {
        guard case .integer(let value) = try value(column) else { throw Self.corrupt(column) }
        return Int(value)
    }

    func optionalInt(_ column: String) throws -> Int? {
        switch try value(column) {
        case .null: return nil
        case .integer(let value): return Int(value)
        default: throw Self.corrupt(column)
        }
    }

    func bool(_ column: String) throws -> Bool {
        try int(column) != 0
    }

    func date(_ column: String) throws -> Date {
        guard let date = try optionalDate(column) else { throw Self.corrupt(column) }
        return date
    }

    func optionalDate(_ column: String) throws -> Date? {
        let data = try value(column)
        if data.isNull { return nil }
        guard case .integer(let milliseconds) = data else { throw Self.corrupt(column) }
        return Date(millisecondsSince1970: milliseconds)
    }

    func uuid(_ column: String) throws -> UUID {
        guard let id = try optionalUUID(column) else { throw Self.corrupt(column) }
        return id
    }

    func optionalUUID(_ column: String) throws -> UUID? {
        guard let text = try optionalString(column) else { return nil }
        guard let id = UUID(parsing: text) else { throw Self.corrupt(column) }
        return id
    }

    func bytes(_ column: String) throws -> Data {
        guard case .blob(let bytes) = try value(column) else { throw Self.corrupt(column) }
        return Data(bytes)
    }

    func optionalBytes(_ column: String) throws -> Data? {
        switch try value(column) {
        case .null: return nil
        case .blob(let bytes): return Data(bytes)
        default: throw Self.corrupt(column)
        }
    }

    func json<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
        guard let value = try optionalJSON(type, column) else { throw Self.corrupt(column) }
        return value
    }

    func optionalJSON<T: Decodable>(_ type: T.Type, _ column: String) throws -> T? {
        guard let text = try optionalString(column) else { return nil }
        do {
            return try JSONCoding.decoder().decode(type, from: Data(text.utf8))
        } catch {
            throw Self.corrupt(column)
        }
    }

    /// A list of device ids as the store writes it, read without `JSONDecoder` (`[DeviceID](writtenList:)`); any
    /// other spelling through it.
    func deviceIDs(_ column: String) throws -> [DeviceID] {
        if let text = try? string(column), let list = [DeviceID](writtenList: text) { return list }
        return try json([DeviceID].self, column)
    }

    /// Identifiers are validated again on the way out, so a hand-edited row cannot smuggle in a bad topic level.
    func identifier<T>(_ column: String, _ make: (String) throws(ValidationError) -> T) throws -> T {
        do {
            return try make(try string(column))
        } catch {
            throw Self.corrupt(column)
        }
    }

    private func value(_ column: String) throws -> SQLiteValue {
        guard let data = self.column(column) else { throw Self.corrupt(column) }
        return data
    }

    private static func corrupt(_ column: String) -> StoreError {
        .unavailable("The database holds an unreadable value in column '\(column)'.")
    }
}
