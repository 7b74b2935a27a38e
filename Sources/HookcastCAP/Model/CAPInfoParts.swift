/// `<area>`: where an info applies. Polygons and circles are kept as CAP writes them ("lat,lon lat,lon …" and
/// "lat,lon radius"); whoever matches locations parses them.
public struct CAPArea: Sendable, Equatable, Codable {
    public var areaDesc: String
    public var polygons: [String]
    public var circles: [String]
    public var geocodes: [CAPValuePair]
    public var altitude: String?
    public var ceiling: String?

    public init(
        areaDesc: String, polygons: [String] = [], circles: [String] = [], geocodes: [CAPValuePair] = [],
        altitude: String? = nil, ceiling: String? = nil
    ) {
        self.areaDesc = areaDesc
        self.polygons = polygons
        self.circles = circles
        self.geocodes = geocodes
        self.altitude = altitude
        self.ceiling = ceiling
    }

    enum CodingKeys: String, CodingKey {
        case areaDesc = "area_desc", polygons, circles, geocodes, altitude, ceiling
    }
}

/// `<resource>`: a file that goes with an info (an image, audio), by reference or inline (`derefURI`, base64).
public struct CAPResource: Sendable, Equatable, Codable {
    public var resourceDesc: String
    public var mimeType: String
    public var size: Int?
    public var uri: String?
    /// The element `<derefUri>`.
    public var derefURI: String?
    public var digest: String?

    public init(
        resourceDesc: String, mimeType: String, size: Int? = nil, uri: String? = nil, derefURI: String? = nil,
        digest: String? = nil
    ) {
        self.resourceDesc = resourceDesc
        self.mimeType = mimeType
        self.size = size
        self.uri = uri
        self.derefURI = derefURI
        self.digest = digest
    }

    enum CodingKeys: String, CodingKey {
        case resourceDesc = "resource_desc", mimeType = "mime_type", size, uri, derefURI = "deref_uri", digest
    }
}

/// `<eventCode>`, `<parameter>` and `<geocode>`: a system-specific name and its value (for example SAME and 006109).
public struct CAPValuePair: Sendable, Equatable, Hashable, Codable {
    public var valueName: String
    public var value: String

    public init(valueName: String, value: String) {
        self.valueName = valueName
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case valueName = "value_name", value
    }
}
