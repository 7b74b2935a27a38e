import Foundation
import HookcastProtocol

/// A value bound to a statement or read from a row, in SQLite's own storage classes.
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The text, when it is text.
    var string: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    /// The integer, when it is one.
    var integer: Int? {
        if case .integer(let value) = self { return Int(value) }
        return nil
    }
}

/// Bind values in the store's column formats: dates as Unix milliseconds, UUIDs as lowercase text, JSON as text.
extension SQLiteValue {
    static func integer(_ value: Int) -> SQLiteValue {
        .integer(Int64(value))
    }

    static func date(_ date: Date) -> SQLiteValue {
        .integer(date.millisecondsSince1970)
    }

    static func date(_ date: Date?) -> SQLiteValue {
        date.map { Self.date($0) } ?? .null
    }

    static func uuid(_ id: UUID) -> SQLiteValue {
        .text(id.lowercasedString)
    }

    static func uuid(_ id: UUID?) -> SQLiteValue {
        id.map { uuid($0) } ?? .null
    }

    static func text(_ text: String?) -> SQLiteValue {
        text.map { .text($0) } ?? .null
    }

    static func bool(_ value: Bool) -> SQLiteValue {
        .integer(value ? 1 : 0)
    }

    static func bytes(_ data: Data) -> SQLiteValue {
        .blob([UInt8](data))
    }

    static func bytes(_ data: Data?) -> SQLiteValue {
        data.map(bytes) ?? .null
    }

    static func json(_ value: some Encodable) throws -> SQLiteValue {
        .text(String(decoding: try JSONCoding.encoder().encode(value), as: UTF8.self))
    }

    static func json(_ value: (some Encodable)?) throws -> SQLiteValue {
        guard let value else { return .null }
        return try json(value)
    }
}
