import CSQLite

/// A failed SQLite call: its extended result code and SQLite's message, which names tables and columns but never
/// a bound value, so it may be passed on.
struct SQLiteError: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    /// UNIQUE, PRIMARY KEY, NOT NULL, CHECK or FOREIGN KEY: the request conflicts with stored data.
    var isConstraintViolation: Bool { code & 0xff == SQLITE_CONSTRAINT }

    var description: String { "\(message) (SQLite code \(code))" }
}
