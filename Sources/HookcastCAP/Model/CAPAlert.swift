/// A CAP 1.2 `<alert>` as `CAPAlertReader` read and checked it: required elements present, code values known, text
/// trimmed. JSON keys are the element names in snake case, with plurals for the repeated ones (`infos`, `codes`).
public struct CAPAlert: Sendable, Equatable, Codable {
    public var identifier: String
    public var sender: String
    public var sent: CAPDateTime
    public var status: CAPStatus
    public var msgType: CAPMessageType
    public var source: String?
    public var scope: CAPScope
    public var restriction: String?
    public var addresses: String?
    public var codes: [String]
    public var note: String?
    public var references: [CAPReference]
    public var incidents: String?
    public var infos: [CAPInfo]

    /// How other messages refer to this one.
    public var key: CAPReference { CAPReference(sender: sender, identifier: identifier, sent: sent.text) }

    public init(
        identifier: String, sender: String, sent: CAPDateTime, status: CAPStatus, msgType: CAPMessageType,
        source: String? = nil, scope: CAPScope, restriction: String? = nil, addresses: String? = nil,
        codes: [String] = [], note: String? = nil, references: [CAPReference] = [], incidents: String? = nil,
        infos: [CAPInfo] = []
    ) {
        self.identifier = identifier
        self.sender = sender
        self.sent = sent
        self.status = status
        self.msgType = msgType
        self.source = source
        self.scope = scope
        self.restriction = restriction
        self.addresses = addresses
        self.codes = codes
        self.note = note
        self.references = references
        self.incidents = incidents
        self.infos = infos
    }

    enum CodingKeys: String, CodingKey {
        case identifier, sender, sent, status, msgType = "msg_type", source, scope, restriction, addresses, codes
        case note, references, incidents, infos
    }
}
