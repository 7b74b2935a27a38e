/// The gateway's accounts, read from the file `plugin_opt_gateway_accounts` names: one `username:credential` line
/// each (the credential as 64 lowercase hex digits), `#` starting a comment line, blank lines ignored. These may
/// use the control topic and the gateway's topics, with any client id.
public struct GatewayAccounts: Sendable, Equatable {
    private var credentials: [String: StoredCredential]

    public init(_ credentials: [String: StoredCredential] = [:]) {
        self.credentials = credentials
    }

    /// Parses the file's text; a bad line is an error naming its line number (never its content: it may hold a
    /// credential).
    public init(fileContents: String) throws(GatewayAccountsError) {
        var credentials: [String: StoredCredential] = [:]
        // `isNewline`: "\r\n" is one Character in Swift, so splitting at "\n" alone would miss Windows line ends.
        let lines = fileContents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (number, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingSuffix { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.lastIndex(of: ":") else { throw .badLine(number + 1) }
            let username = String(line[..<colon])
            guard !username.isEmpty, let credential = StoredCredential(hex: line[line.index(after: colon)...]) else {
                throw .badLine(number + 1)
            }
            credentials[username] = credential
        }
        self.credentials = credentials
    }

    public var count: Int { credentials.count }

    public var usernames: [String] { credentials.keys.sorted() }

    public func contains(_ username: String) -> Bool { credentials[username] != nil }

    func credential(of username: String) -> StoredCredential? { credentials[username] }
}

public enum GatewayAccountsError: Error, Equatable, CustomStringConvertible {
    case badLine(Int)

    public var description: String {
        switch self {
        case .badLine(let number):
            "line \(number) is not `username:credential` with the credential as 64 lowercase hex digits"
        }
    }
}

extension Substring {
    /// Shared with `OtherAccountNames`, which reads lines of the same kind.
    func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}
