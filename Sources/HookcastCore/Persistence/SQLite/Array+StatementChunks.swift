extension Array {
    /// Rows per multi-row statement: 500 rows of at most 15 values stay well inside SQLite's 32,766 variables
    /// per statement.
    static var rowsPerStatement: Int { 500 }

    /// The elements in slices of `rowsPerStatement`, one statement's worth each.
    var statementChunks: [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Self.rowsPerStatement).map {
            self[$0..<Swift.min($0 + Self.rowsPerStatement, count)]
        }
    }
}

/// `?, ?, ?`: the placeholders of an `IN (…)` list.
func placeholderList(_ count: Int) -> String {
    Array<String>(repeating: "?", count: count).joined(separator: ", ")
}
