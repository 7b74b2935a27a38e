// The code values CAP 1.2 allows, spelled as CAP spells them (the raw values are what XML and JSON carry).

/// `<status>`: who the alert is for.
public enum CAPStatus: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case actual = "Actual", exercise = "Exercise", system = "System", test = "Test", draft = "Draft"
}

/// `<msgType>`: what the alert does to earlier ones.
public enum CAPMessageType: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case alert = "Alert", update = "Update", cancel = "Cancel", ack = "Ack", error = "Error"
}

/// `<scope>`: who may see it; Restricted needs `<restriction>`, Private needs `<addresses>`.
public enum CAPScope: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case `public` = "Public", restricted = "Restricted", `private` = "Private"
}

/// `<category>`: the kind of event.
public enum CAPCategory: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case geo = "Geo", met = "Met", safety = "Safety", security = "Security", rescue = "Rescue", fire = "Fire"
    case health = "Health", env = "Env", transport = "Transport", infra = "Infra", cbrne = "CBRNE", other = "Other"
}

/// `<responseType>`: what the audience is asked to do.
public enum CAPResponseType: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case shelter = "Shelter", evacuate = "Evacuate", prepare = "Prepare", execute = "Execute", avoid = "Avoid"
    case monitor = "Monitor", assess = "Assess", allClear = "AllClear", none = "None"
}

/// `<urgency>`: when to act.
public enum CAPUrgency: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case immediate = "Immediate", expected = "Expected", future = "Future", past = "Past", unknown = "Unknown"
}

/// `<severity>`: how bad it is.
public enum CAPSeverity: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case extreme = "Extreme", severe = "Severe", moderate = "Moderate", minor = "Minor", unknown = "Unknown"
}

/// `<certainty>`: how sure the sender is. CAP 1.0's "Very Likely" is gone from 1.2 and is refused, not mapped.
public enum CAPCertainty: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case observed = "Observed", likely = "Likely", possible = "Possible", unlikely = "Unlikely", unknown = "Unknown"
}
