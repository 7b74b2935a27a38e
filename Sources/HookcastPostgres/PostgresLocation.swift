import Foundation

/// Where the PostgreSQL store lives: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]` (also
/// `postgresql://`), the form libpq and most tools accept. Its description leaves the password out, so it can go
/// into logs and error messages.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// `disable`, `prefer` (the default, as in libpq) or `require`; `require` checks the server's certificate.
    public var sslMode: SSLMode
    /// The pool's ceiling (`?pool_size=`), 20 unless given.
    public var maximumConnections: Int

    public enum SSLMode: String, Sendable {
        case disable, prefer, require
    }

    public static let schemes: Set<String> = ["postgres", "postgresql"]

    /// Whether `text` names a PostgreSQL store at all (its scheme), before `init` says what is wrong with it.
    public static func isPostgresURL(_ text: String) -> Bool {
        guard let scheme = text.split(separator: ":", maxSplits: 1).first else { return false }
        return schemes.contains(scheme.lowercased())
    }

    /// Throws `PostgresLocationError` naming what is missing or wrong; never echoes the password.
    public init(url text: String) throws(PostgresLocationError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            Self.schemes.contains(scheme)
        else { throw PostgresLocationError("is not a postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE URL") }
        guard let host = url.host, !host.isEmpty else { throw PostgresLocationError("names no host") }
        guard let user = url.user?.removingPercentEncoding, !user.isEmpty else {
            throw PostgresLocationError("names no user (postgres://USER@HOST/DATABASE)")
        }
        let database = String(url.path.drop(while: { $0 == "/" })).removingPercentEncoding ?? ""
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresLocationError("names no database (postgres://USER@HOST/DATABASE)")
        }
        self.host = host
        self.port = url.port ?? 5432
        self.user = user
        self.password = url.password?.removingPercentEncoding
        self.database = database
        self.sslMode = .prefer
        self.maximumConnections = 20
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    throw PostgresLocationError("has an sslmode other than disable, prefer or require")
                }
                sslMode = mode
            case "pool_size":
                guard let size = item.value.flatMap(Int.init), (1...1000).contains(size) else {
                    throw PostgresLocationError("has a pool_size that is not a number from 1 to 1000")
                }
                maximumConnections = size
            default:
                throw PostgresLocationError("has an unknown parameter '\(item.name)' (known: sslmode, pool_size)")
            }
        }
    }

    /// `postgres://USER@HOST:PORT/DATABASE`: the password is left out.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}

/// A `--store` URL that cannot be used; the message says what is wrong with it, never what its password is.
public struct PostgresLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problem: String

    init(_ problem: String) { self.problem = problem }

    public var description: String { "The store URL \(problem)." }
}
