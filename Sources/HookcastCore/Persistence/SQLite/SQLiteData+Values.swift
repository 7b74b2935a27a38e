import Foundation
import HookcastProtocol
import SQLiteNIO

/// Bind values in the store's column formats: dates as Unix milliseconds, UUIDs as lowercase text, JSON as text.
extension SQLiteData {
    static func date(_ date: Date) -> SQLiteData {
        .integer(SQLiteInt64(date.millisecondsSince1970))
    }

    static func date(_ date: Date?) -> SQLiteData {
        date.map { Self.date($0) } ?? .null
    }

    static func uuid(_ id: UUID) -> SQLiteData {
        .text(id.uuidString.lowercased())
    }

    static func uuid(_ id: UUID?) -> SQLiteData {
        id.map { uuid($0) } ?? .null
    }

    static func text(_ text: String?) -> SQLiteData {
        text.map { .text($0) } ?? .null
    }

    static func bool(_ value: Bool) -> SQLiteData {
        .integer(value ? 1 : 0)
    }

    static func bytes(_ data: Data) -> SQLiteData {
        .blob(ByteBuffer(bytes: data))
    }

    static func bytes(_ data: Data?) -> SQLiteData {
        data.map(bytes) ?? .null
    }

    static func json(_ value: some Encodable) throws -> SQLiteData {
        .text(String(decoding: try JSONCoding.encoder().encode(value), as: UTF8.self))
    }

    static func json(_ value: (some Encodable)?) throws -> SQLiteData {
        guard let value else { return .null }
        return try json(value)
    }
}
