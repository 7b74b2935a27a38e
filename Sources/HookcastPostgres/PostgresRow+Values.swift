import Foundation
import HookcastCore
import HookcastProtocol
import NIOCore
import PostgresNIO

/// Reads columns in the store's formats (dates as Unix milliseconds, structured values as JSON text, as in the
/// SQLite store); a value of the wrong type means a damaged database, not bad input.
extension PostgresRow {
    func values() -> PostgresRandomAccessRow { makeRandomAccess() }
}

extension PostgresRandomAccessRow {
    func string(_ column: String) throws -> String { try decode(String.self, column) }
    func optionalString(_ column: String) throws -> String? { try decode(String?.self, column) }
    func int(_ column: String) throws -> Int { try decode(Int.self, column) }
    func bool(_ column: String) throws -> Bool { try decode(Bool.self, column) }
    func uuid(_ column: String) throws -> UUID { try decode(UUID.self, column) }
    func optionalUUID(_ column: String) throws -> UUID? { try decode(UUID?.self, column) }
    func bytes(_ column: String) throws -> Data { try decode(Data.self, column) }
    func optionalBytes(_ column: String) throws -> Data? { try decode(Data?.self, column) }

    func date(_ column: String) throws -> Date { Date(millisecondsSince1970: try decode(Int64.self, column)) }

    func optionalDate(_ column: String) throws -> Date? {
        try decode(Int64?.self, column).map(Date.init(millisecondsSince1970:))
    }

    func json<T: Decodable>(_ type: T.Type, _ column: String) throws -> T {
        guard let value = try optionalJSON(type, column) else { throw Self.corrupt(column) }
        return value
    }

    /// A list of device ids as the store writes it, read without `JSONDecoder` (`[DeviceID](writtenList:)`); any
    /// other spelling through it.
    func deviceIDs(_ column: String) throws -> [DeviceID] {
        if let text = try? string(column), let list = [DeviceID](writtenList: text) { return list }
        return try json([DeviceID].self, column)
    }

    func optionalJSON<T: Decodable>(_ type: T.Type, _ column: String) throws -> T? {
        guard let text = try optionalString(column) else { return nil }
        do {
            return try JSONCoding.decoder().decode(type, from: Data(text.utf8))
        } catch {
            throw Self.corrupt(column)
        }
    }

    /// Identifiers are validated again on the way out, so a hand-edited row cannot smuggle in a bad topic level.
    func identifier<T>(_ column: String, _ make: (String) throws(ValidationError) -> T) throws -> T {
        do {
            return try make(try string(column))
        } catch {
            throw Self.corrupt(column)
        }
    }

    private func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        guard contains(column) else { throw Self.corrupt(column) }
        do {
            return try self[column].decode(type)
        } catch {
            throw Self.corrupt(column)
        }
    }

    private static func corrupt(_ column: String) -> StoreError {
        .unavailable("The database holds an unreadable value in column '\(column)'.")
    }
}

/// The values the store binds, in its formats.
extension PostgresBindings {
    mutating func append(date: Date) { append(date.millisecondsSince1970) }

    mutating func append(date: Date?) {
        if let date { append(date.millisecondsSince1970) } else { appendNull() }
    }

    mutating func append(text: String?) {
        if let text { append(text) } else { appendNull() }
    }

    mutating func append(json value: some Encodable) throws {
        append(String(decoding: try JSONCoding.encoder().encode(value), as: UTF8.self))
    }

    mutating func append(json value: (some Encodable)?) throws {
        if let value { try append(json: value) } else { appendNull() }
    }

    mutating func append(bytes: Data?) {
        if let bytes { append(ByteBuffer(bytes: bytes)) } else { appendNull() }
    }
}

/// Builds one statement's SQL and its bindings together, so `$n` always matches its value.
struct PostgresStatement {
    private(set) var bindings = PostgresBindings()

    /// The next placeholder, `$n`, for a value about to be appended.
    var nextPlaceholder: String { "$\(bindings.count + 1)" }

    /// Appends `value` and returns its placeholder.
    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        let placeholder = nextPlaceholder
        bindings.append(value)
        return placeholder
    }

    /// Appends whatever `append` appends (one value) and returns its placeholder.
    mutating func bind(_ append: (inout PostgresBindings) throws -> Void) rethrows -> String {
        let placeholder = nextPlaceholder
        try append(&bindings)
        return placeholder
    }

    func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: bindings) }
}

extension Array {
    /// Rows per multi-row statement: PostgreSQL takes at most 65,535 parameters in one.
    var statementChunks: [ArraySlice<Element>] {
        stride(from: 0, to: count, by: 1000).map { self[$0..<Swift.min($0 + 1000, count)] }
    }
}
