/// Who may do what on the broker: the gateway commands, each device reads only what is addressed to it (its own
/// topics, the broadcast, its groups) and writes only its own acknowledgements and presence. Everything else is
/// refused, so a device account can neither command another device nor read its commands.
///
/// The decisions themselves are in `BrokerAccess.swift` (`device(_:isMember:may:topic:)` and
/// `gateway(may:topic:)`): Hookcast's broker plugin asks them for every login's access checks, and nobody writes
/// a second copy of the rules. A policy is built once for the running topic prefix.
public struct BrokerAccessPolicy: Sendable {
    public let topics: Topics
    let gatewayFilters: GatewayFilters

    public init(topics: Topics = .standard) {
        self.topics = topics
        gatewayFilters = GatewayFilters(topics)
    }
}
