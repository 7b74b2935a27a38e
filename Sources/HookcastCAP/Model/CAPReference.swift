/// One earlier message, as `<references>` names it (`sender,identifier,sent`) and as `CAPAlert.key` names an alert:
/// the triple that identifies a CAP message. `sent` is the text as written, compared as text.
public struct CAPReference: Sendable, Equatable, Hashable, Codable {
    public var sender: String
    public var identifier: String
    public var sent: String

    public init(sender: String, identifier: String, sent: String) {
        self.sender = sender
        self.identifier = identifier
        self.sent = sent
    }
}
