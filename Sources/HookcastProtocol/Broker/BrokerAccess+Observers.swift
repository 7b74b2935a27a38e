extension BrokerAccessPolicy {
    /// What an observer account watches.
    public struct ObserverScope {
        /// Whether the observer watches the whole fleet (rather than some groups).
        public var fleet: Bool
        /// Whether command topics are included.
        public var includeCommands: Bool
        /// Whether one of the observer's groups is this one (always true for the fleet).
        public var watchesGroup: (Substring) -> Bool
        /// Whether the device with this id is a member of one of the observer's groups (always true for the fleet).
        public var watchesDevice: (Substring) -> Bool
        /// A group-scoped observer whose every group was deleted: it sees nothing, not even the fleet-wide topics,
        /// which concern it only through its groups' devices.
        public var watchesNothing: Bool

        public init(
            fleet: Bool, includeCommands: Bool, watchesNothing: Bool = false,
            watchesGroup: @escaping (Substring) -> Bool, watchesDevice: @escaping (Substring) -> Bool
        ) {
            self.fleet = fleet
            self.watchesNothing = watchesNothing && !fleet
            self.includeCommands = includeCommands
            self.watchesGroup = watchesGroup
            self.watchesDevice = watchesDevice
        }
    }

    /// Whether an observer with `scope` may do `access` on the topic whose levels below the topic prefix are
    /// `levels`. It publishes nothing. It reads acknowledgements (`devices/+/acks`), presence
    /// (`devices/+/status`), emergency state (`state/emergency/…`) and, with `includeCommands`, commands
    /// (`devices/+/commands`, `groups/+/commands`, `all/commands`, `tags/+/commands`).
    ///
    /// A subscription is judged by its shape: `+` for a device id is allowed whatever the scope, because the broker
    /// asks again (`receive`) for every message it delivers, and that is where a group-scoped observer is given
    /// only the devices of its groups. A group-scoped observer also gets its groups' topics and the fleet-wide
    /// `all` ones (they concern its devices too), never `tags/…` (whose devices they reach is not known here).
    public static func observer(
        _ scope: ObserverScope, may access: BrokerAccess, levels: some RandomAccessCollection<Substring>
    ) -> Bool {
        let levels = Array(levels)
        switch access {
        case .unsubscribe: return true
        case .publish: return false
        case _ where scope.watchesNothing: return false
        case .subscribe: return observerMaySubscribe(scope, levels)
        case .receive: return observerMayReceive(scope, levels)
        }
    }

    private static func observerMayReceive(_ scope: ObserverScope, _ levels: [Substring]) -> Bool {
        switch (levels.count, levels.first) {
        case (3, "devices"):
            switch levels[2] {
            case "acks", "status": return scope.watchesDevice(levels[1])
            case "commands": return scope.includeCommands && scope.watchesDevice(levels[1])
            default: return false
            }
        case (3, "groups"): return levels[2] == "commands" && scope.includeCommands && scope.watchesGroup(levels[1])
        case (3, "tags"): return levels[2] == "commands" && scope.includeCommands && scope.fleet
        case (2, "all"): return levels[1] == "commands" && scope.includeCommands
        case (3, "state"): return levels[1] == "emergency" && levels[2] == "all"
        case (4, "state"):
            guard levels[1] == "emergency" else { return false }
            switch levels[2] {
            case "devices": return scope.watchesDevice(levels[3])
            case "groups": return scope.watchesGroup(levels[3])
            default: return false
            }
        default: return false
        }
    }

    /// `+` may stand for a device or group id; a named group must be one of a group-scoped observer's; `#` is
    /// allowed only below `state/emergency`, where everything is the observer's to read (filtered on delivery).
    private static func observerMaySubscribe(_ scope: ObserverScope, _ levels: [Substring]) -> Bool {
        func idOrPlus(_ level: Substring) -> Bool { level == "+" || isPlainLevel(level) }
        switch (levels.count, levels.first) {
        case (3, "devices"):
            guard idOrPlus(levels[1]) else { return false }
            switch levels[2] {
            case "acks", "status": return true
            case "commands": return scope.includeCommands
            default: return false
            }
        case (3, "groups"):
            guard levels[2] == "commands", scope.includeCommands else { return false }
            return levels[1] == "+" || (isPlainLevel(levels[1]) && scope.watchesGroup(levels[1]))
        case (3, "tags"): return levels[2] == "commands" && scope.includeCommands && scope.fleet && idOrPlus(levels[1])
        case (2, "all"): return levels[1] == "commands" && scope.includeCommands
        case (let count, "state") where count >= 3:
            guard levels[1] == "emergency" else { return false }
            if count == 3 { return levels[2] == "all" || levels[2] == "#" || levels[2] == "+" }
            guard count == 4, levels[2] == "devices" || levels[2] == "groups" || levels[2] == "+" else {
                return false
            }
            if levels[3] == "+" || levels[3] == "#" { return true }
            guard isPlainLevel(levels[3]) else { return false }
            return levels[2] != "groups" || scope.watchesGroup(levels[3])
        default: return false
        }
    }
}
