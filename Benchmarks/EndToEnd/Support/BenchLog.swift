import Foundation

/// Progress lines on stderr, so stdout carries only the final table.
enum BenchLog {
    static func line(_ text: String) {
        FileHandle.standardError.write(Data("[bench] \(text)\n".utf8))
    }
}
