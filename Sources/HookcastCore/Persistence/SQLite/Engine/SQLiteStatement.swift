import CSQLite

/// A prepared statement: bound, stepped to the end and reset on every run, so it is ready for the next.
final class SQLiteStatement {
    private let statement: OpaquePointer
    private let columns: SQLiteColumns

    /// `persistent`: kept in the connection's cache and run many times, which SQLite allocates for differently.
    init(_ sql: String, on handle: OpaquePointer, persistent: Bool = true) throws(SQLiteError) {
        var statement: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let status = sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
        }
        self.statement = statement
        let count = sqlite3_column_count(statement)
        columns = SQLiteColumns(names: (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) })
    }

    func finalize() {
        sqlite3_finalize(statement)
    }

    /// Binds `binds` to the parameters in order, steps through every row and resets the statement.
    @discardableResult
    func run(_ binds: [SQLiteValue], on handle: OpaquePointer, keepingRows: Bool = true) throws(SQLiteError)
        -> [SQLiteRow]
    {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        guard Int(sqlite3_bind_parameter_count(statement)) == binds.count else {
            throw SQLiteError(
                code: SQLITE_RANGE,
                message: "the statement takes \(sqlite3_bind_parameter_count(statement)) values, not \(binds.count)")
        }
        for (index, value) in binds.enumerated() {
            let status = bind(value, at: Int32(index + 1))
            guard status == SQLITE_OK else { throw Self.error(handle) }
        }
        var rows: [SQLiteRow] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW:
                if keepingRows { rows.append(SQLiteRow(columns: columns, values: currentValues())) }
            case SQLITE_DONE:
                return rows
            default:
                throw Self.error(handle)
            }
        }
    }

    private func bind(_ value: SQLiteValue, at index: Int32) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(statement, index)
        case .integer(let integer):
            return sqlite3_bind_int64(statement, index, integer)
        case .real(let real):
            return sqlite3_bind_double(statement, index, real)
        case .text(var text):
            return text.withUTF8 { bytes in
                // An empty buffer may have no address, and SQLite binds a nil pointer as NULL, not as "".
                guard let address = bytes.baseAddress, !bytes.isEmpty else {
                    return sqlite3_bind_text(statement, index, "", 0, csqlite_transient())
                }
                return address.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    sqlite3_bind_text(statement, index, $0, Int32(bytes.count), csqlite_transient())
                }
            }
        case .blob(let bytes):
            // As for text: a nil pointer would bind NULL, not an empty blob.
            guard !bytes.isEmpty else { return sqlite3_bind_zeroblob(statement, index, 0) }
            return bytes.withUnsafeBytes { buffer in
                sqlite3_bind_blob64(statement, index, buffer.baseAddress, UInt64(buffer.count), csqlite_transient())
            }
        }
    }

    private func currentValues() -> [SQLiteValue] {
        let count = sqlite3_data_count(statement)
        var values: [SQLiteValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            switch sqlite3_column_type(statement, column) {
            case SQLITE_INTEGER:
                values.append(.integer(sqlite3_column_int64(statement, column)))
            case SQLITE_FLOAT:
                values.append(.real(sqlite3_column_double(statement, column)))
            case SQLITE_TEXT:
                // Text first, then its length in bytes: that order is the one SQLite documents as safe.
                let text = sqlite3_column_text(statement, column)
                let length = Int(sqlite3_column_bytes(statement, column))
                values.append(
                    .text(
                        text.map { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
                            ?? ""))
            case SQLITE_BLOB:
                let blob = sqlite3_column_blob(statement, column)
                let length = Int(sqlite3_column_bytes(statement, column))
                values.append(.blob(blob.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []))
            default:
                values.append(.null)
            }
        }
        return values
    }

    private static func error(_ handle: OpaquePointer) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}
