/// Why a topic prefix was refused: it must be a topic name of one or more plain levels, since every topic Hookcast
/// uses, and every access rule the broker plugin applies, is built by appending levels to it.
public enum TopicPrefixError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(bytes: Int)
    case wildcard
    case leadingDollar
    case emptyLevel
    case nullCharacter

    /// The most UTF-8 bytes of a prefix: the longest topic built on it (an emergency state of a 64-character
    /// device) then stays far below MQTT's 65,535.
    public static let maximumBytes = 128

    static func check(_ prefix: String) throws(TopicPrefixError) {
        let bytes = prefix.utf8
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maximumBytes else { throw .tooLong(bytes: bytes.count) }
        guard !bytes.contains(UInt8(ascii: "+")), !bytes.contains(UInt8(ascii: "#")) else { throw .wildcard }
        guard bytes.first != UInt8(ascii: "$") else { throw .leadingDollar }
        guard !bytes.contains(0) else { throw .nullCharacter }
        guard !prefix.split(separator: "/", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw .emptyLevel
        }
    }

    public var description: String {
        switch self {
        case .empty: "the topic prefix is empty"
        case .tooLong(let bytes):
            "the topic prefix has \(bytes) bytes; at most \(Self.maximumBytes) are allowed"
        case .wildcard: "the topic prefix contains '+' or '#', which are MQTT wildcards, not topic characters"
        case .leadingDollar: "the topic prefix starts with '$', which MQTT keeps for the broker's own topics"
        case .emptyLevel: "the topic prefix has an empty level (a leading, trailing or doubled '/')"
        case .nullCharacter: "the topic prefix contains a NUL character"
        }
    }
}
