/// The user names the plugin must never manage, read from the file `plugin_opt_other_accounts_file` names:
/// normally the broker's own `password_file`, whose `username:hash` lines it shares (only the part before the
/// first `:` is read; a line without one is a name alone). `#` starts a comment line; blank lines are ignored.
///
/// With `plugin_opt_other_accounts defer` these accounts belong to mosquitto's other mechanisms: the plugin
/// leaves their logins and access checks alone even if a device account of the same name exists, and refuses to
/// create one, so a device id can never take over an operator's account.
public struct OtherAccountNames: Sendable, Equatable {
    private var names: Set<String>

    public init(_ names: Set<String> = []) {
        self.names = names
    }

    public init(fileContents: String) {
        var names: Set<String> = []
        for rawLine in fileContents.split(whereSeparator: \.isNewline) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let name = line.prefix { $0 != ":" }.trimmingSuffix { $0 == " " || $0 == "\t" }
            if !name.isEmpty { names.insert(String(name)) }
        }
        self.names = names
    }

    public var count: Int { names.count }

    /// Asked for every access check of the broker; without a file (the default) it hashes nothing.
    public func contains(_ username: String) -> Bool { !names.isEmpty && names.contains(username) }
}
