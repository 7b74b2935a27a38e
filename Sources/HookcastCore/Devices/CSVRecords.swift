import SwiftCSV

/// The records of a CSV text, header first, as SwiftCSV reads them: RFC 4180 quoting, `""` inside quotes, commas
/// and line breaks inside a quoted field, `\n` or `\r\n` between records. SwiftCSV rather than our own splitter:
/// ours read line by line and broke a quoted field that held a line break.
enum CSVRecords {
    struct Malformed: Error {
        /// 0: SwiftCSV does not say where.
        var row = 0
        var reason: String
    }

    static func parse(_ text: String) throws(Malformed) -> [[String]] {
        do {
            // The delimiter is named: SwiftCSV's other initialisers guess it from the text.
            let csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false)
            return csv.header.isEmpty ? [] : [csv.header] + csv.rows
        } catch let error as CSVParseError {
            switch error {
            case .quotation:
                throw Malformed(reason: "is not valid CSV: a quote must open a field, or be doubled inside a quoted one")
            case .generic:
                throw Malformed(reason: "is not valid CSV")
            }
        } catch {
            throw Malformed(reason: "is not valid CSV")
        }
    }
}
