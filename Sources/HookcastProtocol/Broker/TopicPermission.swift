/// One thing a broker account may do on a topic. The kinds are the dynamic-security plugin's ACL types, which
/// name the check the broker makes: sending a PUBLISH, being sent one, and subscribing.
public struct TopicPermission: Hashable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The account may publish to topics matching `topic`.
        case publishClientSend
        /// The broker may deliver messages on topics matching `topic` to the account.
        case publishClientReceive
        /// The account may subscribe with exactly this filter (a `+` or `#` in it is only a character).
        case subscribeLiteral
        /// The account may subscribe with any filter `topic` matches, wildcards included.
        case subscribePattern
    }

    public let kind: Kind
    public let topic: String

    public init(_ kind: Kind, _ topic: String) {
        self.kind = kind
        self.topic = topic
    }
}
