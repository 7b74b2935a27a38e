/// One `<info>` of an alert: the event in one language, with its areas and resources.
public struct CAPInfo: Sendable, Equatable, Codable {
    /// RFC 3066 language tag; CAP's default "en-US" when the element is absent.
    public var language: String
    /// At least one.
    public var categories: [CAPCategory]
    public var event: String
    public var responseTypes: [CAPResponseType]
    public var urgency: CAPUrgency
    public var severity: CAPSeverity
    public var certainty: CAPCertainty
    public var audience: String?
    public var eventCodes: [CAPValuePair]
    public var effective: CAPDateTime?
    public var onset: CAPDateTime?
    public var expires: CAPDateTime?
    public var senderName: String?
    /// CAP recommends at most 160 characters; longer headlines are kept as sent.
    public var headline: String?
    public var description: String?
    public var instruction: String?
    public var web: String?
    public var contact: String?
    public var parameters: [CAPValuePair]
    public var resources: [CAPResource]
    public var areas: [CAPArea]

    public init(
        language: String = "en-US", categories: [CAPCategory], event: String, responseTypes: [CAPResponseType] = [],
        urgency: CAPUrgency, severity: CAPSeverity, certainty: CAPCertainty, audience: String? = nil,
        eventCodes: [CAPValuePair] = [], effective: CAPDateTime? = nil, onset: CAPDateTime? = nil,
        expires: CAPDateTime? = nil, senderName: String? = nil, headline: String? = nil, description: String? = nil,
        instruction: String? = nil, web: String? = nil, contact: String? = nil, parameters: [CAPValuePair] = [],
        resources: [CAPResource] = [], areas: [CAPArea] = []
    ) {
        self.language = language
        self.categories = categories
        self.event = event
        self.responseTypes = responseTypes
        self.urgency = urgency
        self.severity = severity
        self.certainty = certainty
        self.audience = audience
        self.eventCodes = eventCodes
        self.effective = effective
        self.onset = onset
        self.expires = expires
        self.senderName = senderName
        self.headline = headline
        self.description = description
        self.instruction = instruction
        self.web = web
        self.contact = contact
        self.parameters = parameters
        self.resources = resources
        self.areas = areas
    }

    enum CodingKeys: String, CodingKey {
        case language, categories, event, responseTypes = "response_types", urgency, severity, certainty, audience
        case eventCodes = "event_codes", effective, onset, expires, senderName = "sender_name", headline, description
        case instruction, web, contact, parameters, resources, areas
    }
}
