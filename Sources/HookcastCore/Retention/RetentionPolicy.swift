import Foundation

/// How long records are kept (`hookcast serve --retention`, `--audit-retention`): nil keeps them for ever.
public struct RetentionPolicy: Sendable, Equatable {
    /// Finished commands with their delivery rows, finished delivery reports and CAP alerts.
    public var commands: Duration?
    /// Audit entries: kept apart, as audits are often wanted for longer than the commands they name.
    public var audit: Duration?

    public static let defaultCommands: Duration = .seconds(30 * 86_400)
    public static let defaultAudit: Duration = .seconds(365 * 86_400)

    public init(commands: Duration? = RetentionPolicy.defaultCommands, audit: Duration? = RetentionPolicy.defaultAudit) {
        self.commands = commands
        self.audit = audit
    }

    public var keepsEverything: Bool { commands == nil && audit == nil }

    /// `30d`, `12h`, `90m`, or a bare number of days; `0` keeps everything (nil). Throws a message naming the
    /// option for anything else.
    public static func parse(_ text: String, option: String) throws(RetentionParseError) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60)]
        let unit = units.first { trimmed.hasSuffix($0.suffix) } ?? ("", 86_400)
        guard let amount = Int64(trimmed.dropLast(unit.suffix.count)), amount >= 0,
            amount <= 36_500 * 86_400 / unit.seconds
        else {
            throw RetentionParseError(
                message: "\(option) must be a whole number of days (30 or 30d), hours (12h) or minutes (90m), "
                    + "or 0 to keep everything; got '\(text.prefix(40))'.")
        }
        return amount == 0 ? nil : .seconds(amount * unit.seconds)
    }
}

public struct RetentionParseError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
