import HookcastPostgres

/// Which database the gateway keeps its records in: the SQLite file in its data directory (the default, nothing to
/// run beside it) or a PostgreSQL database (`--store postgres://…`). The data directory holds the master key,
/// the admin token's hash and the broker credentials either way.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite
    case postgres(PostgresLocation)

    /// `sqlite` or a `postgres://` URL; throws `PostgresLocationError` (which never repeats the password) for a
    /// URL it cannot use, and `StoreLocationError` for anything else.
    public init(option text: String, password: String? = nil) throws {
        if text == "sqlite" {
            self = .sqlite
            return
        }
        guard PostgresLocation.isPostgresURL(text) else { throw StoreLocationError(text: text) }
        var location = try PostgresLocation(url: text)
        if location.password == nil { location.password = password }
        self = .postgres(location)
    }

    /// Whether a password came with it (from the URL or the environment).
    public var hasPassword: Bool {
        if case .postgres(let location) = self { return location.password != nil }
        return false
    }

    public var description: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres(let location): location.description
        }
    }
}

public struct StoreLocationError: Error, Sendable, CustomStringConvertible {
    let text: String

    public var description: String {
        // A malformed URL may still hold a password, so the text is named only when it cannot be one.
        let shown = text.contains("@") ? "the value given" : "'\(text)'"
        return "The store must be sqlite or a postgres://USER@HOST[:PORT]/DATABASE URL, not \(shown)."
    }
}
