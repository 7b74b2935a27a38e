extension BrokerAccessPolicy {
    /// Whether integration account `name` may do `access` on the topic whose levels below the topic prefix are
    /// `levels` (`["triggers", "door-open"]`). It publishes to `triggers/{event_id}` (one level, any event id) and
    /// subscribes to and receives only `answers/{name}/…`, its own answers; nothing else. A `+` or `#` never
    /// stands for its name, so it cannot read another integration's answers with a wildcard.
    public static func integration(
        _ name: MQTTAccountName, may access: BrokerAccess, levels: some RandomAccessCollection<Substring>
    ) -> Bool {
        let levels = Array(levels)
        switch access {
        case .unsubscribe:
            return true
        case .publish:
            guard levels.count == 2, levels[0] == "triggers" else { return false }
            return isPlainLevel(levels[1])
        case .subscribe, .receive:
            // Below its answers anything, wildcards included: `answers/{name}/#` is the usual filter.
            return levels.count >= 2 && levels[0] == "answers" && levels[1] == name.rawValue[...]
        }
    }

    /// A non-empty level without a wildcard. Searched byte by byte: `contains("+")` resolves to Foundation's
    /// StringProtocol method, which links all of Foundation into the broker plugin (and it then fails to load).
    static func isPlainLevel(_ level: Substring) -> Bool {
        !level.isEmpty && !level.utf8.contains(UInt8(ascii: "+")) && !level.utf8.contains(UInt8(ascii: "#"))
    }
}
