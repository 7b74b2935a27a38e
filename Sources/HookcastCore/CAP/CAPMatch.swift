import Foundation
import HookcastCAP
import HookcastProtocol

/// Which alerts a CAP rule takes. Every criterion given must hold (and); within one, any listed value will do (or);
/// an empty list places no condition. Text compares without regard to case.
public struct CAPMatch: Sendable, Equatable, Codable {
    /// `alert/sender`, exactly.
    public var senders: [String] = []
    /// `info/event`, exactly ("Earthquake").
    public var events: [String] = []
    /// `info/eventCode`: the same `valueName` and `value`.
    public var eventCodes: [CAPValuePair] = []
    public var categories: [CAPCategory] = []
    public var severities: [CAPSeverity] = []
    public var urgencies: [CAPUrgency] = []
    public var certainties: [CAPCertainty] = []
    /// A word or phrase of `area/areaDesc` ("Los Angeles" takes "City of Los Angeles, CA").
    public var areas: [String] = []
    /// `area/geocode`: the same `valueName` and `value`.
    public var geocodes: [CAPValuePair] = []

    public init() {}

    /// Whether `info` of `alert` meets every criterion.
    public func matches(_ alert: CAPAlert, _ info: CAPInfo) -> Bool {
        (senders.isEmpty || senders.contains { Self.same($0, alert.sender) })
            && (events.isEmpty || events.contains { Self.same($0, info.event) })
            && (eventCodes.isEmpty || info.eventCodes.contains { code in eventCodes.contains { Self.same($0, code) } })
            && (categories.isEmpty || info.categories.contains { categories.contains($0) })
            && (severities.isEmpty || severities.contains(info.severity))
            && (urgencies.isEmpty || urgencies.contains(info.urgency))
            && (certainties.isEmpty || certainties.contains(info.certainty))
            && (areas.isEmpty
                || info.areas.contains { area in areas.contains { area.areaDesc.localizedCaseInsensitiveContains($0) } })
            && (geocodes.isEmpty
                || info.areas.contains { area in
                    area.geocodes.contains { code in geocodes.contains { Self.same($0, code) } }
                })
    }

    /// The criteria checked: at most 200 values each, texts of 1 to 256 characters.
    public func validated() throws(ValidationError) -> CAPMatch {
        let texts: [(String, [String])] = [
            ("senders", senders), ("events", events), ("areas", areas),
            ("event_codes", eventCodes.flatMap { [$0.valueName, $0.value] }),
            ("geocodes", geocodes.flatMap { [$0.valueName, $0.value] }),
        ]
        for (field, values) in texts {
            guard values.count <= 200 else {
                throw ValidationError(field: "match.\(field)", message: "has too many values")
            }
            for value in values where value.isEmpty || value.count > 256 {
                throw ValidationError(field: "match.\(field)", message: "values must be 1 to 256 characters")
            }
        }
        return self
    }

    private static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.caseInsensitiveCompare(rhs) == .orderedSame
    }

    private static func same(_ lhs: CAPValuePair, _ rhs: CAPValuePair) -> Bool {
        same(lhs.valueName, rhs.valueName) && lhs.value == rhs.value
    }

    enum CodingKeys: String, CodingKey {
        case senders, events
        case eventCodes = "event_codes"
        case categories, severities, urgencies, certainties, areas, geocodes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        senders = try container.decodeIfPresent([String].self, forKey: .senders) ?? []
        events = try container.decodeIfPresent([String].self, forKey: .events) ?? []
        eventCodes = try container.decodeIfPresent([CAPValuePair].self, forKey: .eventCodes) ?? []
        categories = try container.decodeIfPresent([CAPCategory].self, forKey: .categories) ?? []
        severities = try container.decodeIfPresent([CAPSeverity].self, forKey: .severities) ?? []
        urgencies = try container.decodeIfPresent([CAPUrgency].self, forKey: .urgencies) ?? []
        certainties = try container.decodeIfPresent([CAPCertainty].self, forKey: .certainties) ?? []
        areas = try container.decodeIfPresent([String].self, forKey: .areas) ?? []
        geocodes = try container.decodeIfPresent([CAPValuePair].self, forKey: .geocodes) ?? []
    }
}
