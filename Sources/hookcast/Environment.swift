import ArgumentParser
import Foundation
import Synchronization

/// Options' defaults from `HOOKCAST_*` environment variables. A command-line option still wins; a variable that is
/// set but does not parse as its option would is refused by `checkParsed()` (in each command's `validate()`),
/// never silently replaced by the built-in default: `HOOKCAST_PORT=80800` must not start a gateway on 8080.
///
/// Why not swift-configuration: ArgumentParser already reads, validates and documents the command line (`--help`
/// shows each variable and its effective default); swift-configuration would read it a second time or replace
/// that, for the few lines here.
enum Environment {
    /// Variables that were set to something their option cannot take: name, value.
    private static let unparsed = Mutex<[String: String]>([:])

    /// The variable's value; unset and empty are the same.
    static func value(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The variable parsed as the command line parses the option, or `fallback` when it is unset.
    static func value<Value: ExpressibleByArgument>(_ name: String, or fallback: Value) -> Value {
        value(name, as: Value.self) ?? fallback
    }

    /// The variable parsed as the command line parses the option; nil when it is unset (the option's default then
    /// depends on other options).
    static func value<Value: ExpressibleByArgument>(_ name: String, as type: Value.Type) -> Value? {
        guard let raw = value(name) else { return nil }
        guard let parsed = Value(argument: raw) else {
            unparsed.withLock { $0[name] = raw }
            return nil
        }
        return parsed
    }

    /// Throws naming every variable that was set to something its option cannot take.
    static func checkParsed() throws {
        let problems = unparsed.withLock { $0 }
        guard !problems.isEmpty else { return }
        // The value is shown: these are numbers and names, never secrets (those are read with `value(_:)`).
        throw ValidationError(
            problems.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)' is not a valid value for its option." }
                .joined(separator: " "))
    }
}
