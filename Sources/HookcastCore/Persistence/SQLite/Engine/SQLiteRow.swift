/// One result row, its values read by column name.
struct SQLiteRow: Sendable {
    /// The statement's column names, shared by all of its rows.
    let columns: SQLiteColumns
    let values: [SQLiteValue]

    /// The value of the column named `name`, nil when the statement has no such column.
    func column(_ name: String) -> SQLiteValue? {
        columns.index(of: name).map { values[$0] }
    }
}

/// A statement's column names, looked up by a linear scan: statements here have at most fifteen columns, fewer
/// than it takes a hash table to pay for itself.
final class SQLiteColumns: Sendable {
    let names: [String]

    init(names: [String]) {
        self.names = names
    }

    func index(of name: String) -> Int? {
        names.firstIndex(of: name)
    }
}
