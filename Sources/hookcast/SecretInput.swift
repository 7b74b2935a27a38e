import ArgumentParser
import Foundation

/// A secret read from a file, or from standard input when the path is `-`: unlike a command-line argument, it does
/// not show in `ps` or the shell's history.
enum SecretInput {
    /// The file's first line without surrounding white space; `what` names the secret in errors (never its value).
    static func read(_ path: String, what: String) throws -> String {
        let data: Data
        do {
            data =
                path == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("Cannot read the \(what) from \(path): \(error.localizedDescription)")
        }
        let secret =
            String(decoding: data, as: UTF8.self)
            .split(whereSeparator: \.isNewline).first.map(String.init)?
            .trimmingCharacters(in: .whitespaces) ?? ""
        guard !secret.isEmpty else {
            throw ValidationError("The \(what) in \(path == "-" ? "standard input" : path) is empty.")
        }
        return secret
    }

    /// The secret from `value` (an argument), `file` or the environment variable `variable`, in that order.
    static func choose(
        value: String?, file: String?, variable: String, what: String, flags: (value: String, file: String)
    ) throws -> String {
        if value != nil, file != nil {
            throw ValidationError("Give the \(what) with \(flags.value) or \(flags.file), not both.")
        }
        if let value { return value }
        if let file { return try read(file, what: what) }
        if let fromEnvironment = Environment.value(variable) { return fromEnvironment }
        throw ValidationError("Give the \(what) with \(flags.file) (a file, or - for standard input) or \(variable).")
    }
}
