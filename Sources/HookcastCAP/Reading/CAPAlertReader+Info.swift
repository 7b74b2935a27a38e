extension CAPAlertReader {
    static func readInfo(_ node: XMLNode, path: String) throws(CAPReadError) -> CAPInfo {
        let fields = try CAPElementFields(
            node, path: path,
            single: [
                "language", "event", "urgency", "severity", "certainty", "audience", "effective", "onset", "expires",
                "senderName", "headline", "description", "instruction", "web", "contact",
            ],
            repeated: ["category", "responseType", "eventCode", "parameter", "resource", "area"])
        var categories: [CAPCategory] = []
        for (index, text) in try fields.texts("category").enumerated() {
            categories.append(
                try CAPElementFields.code(text, path: fields.path("category", index), as: CAPCategory.self))
        }
        guard !categories.isEmpty else { throw .invalid("\(path).category", "<category> is required") }
        var responseTypes: [CAPResponseType] = []
        for (index, text) in try fields.texts("responseType").enumerated() {
            responseTypes.append(
                try CAPElementFields.code(text, path: fields.path("responseType", index), as: CAPResponseType.self))
        }
        if try fields.optional("certainty") == "Very Likely" {
            throw .invalid(
                "\(path).certainty", "\"Very Likely\" is CAP 1.0's; CAP 1.2 dropped it: use Likely")
        }
        var resources: [CAPResource] = []
        for (index, resource) in fields.nodes("resource").enumerated() {
            resources.append(try readResource(resource, path: fields.path("resource", index)))
        }
        var areas: [CAPArea] = []
        for (index, area) in fields.nodes("area").enumerated() {
            areas.append(try readArea(area, path: fields.path("area", index)))
        }
        return CAPInfo(
            language: try fields.optional("language") ?? "en-US", categories: categories,
            event: try fields.required("event"), responseTypes: responseTypes,
            urgency: try fields.code("urgency", as: CAPUrgency.self),
            severity: try fields.code("severity", as: CAPSeverity.self),
            certainty: try fields.code("certainty", as: CAPCertainty.self), audience: try fields.optional("audience"),
            eventCodes: try readValuePairs(fields, "eventCode"), effective: try fields.dateTime("effective"),
            onset: try fields.dateTime("onset"), expires: try fields.dateTime("expires"),
            senderName: try fields.optional("senderName"), headline: try fields.optional("headline"),
            description: try fields.optional("description"), instruction: try fields.optional("instruction"),
            web: try fields.optional("web"), contact: try fields.optional("contact"),
            parameters: try readValuePairs(fields, "parameter"), resources: resources, areas: areas)
    }

    static func readResource(_ node: XMLNode, path: String) throws(CAPReadError) -> CAPResource {
        let fields = try CAPElementFields(
            node, path: path, single: ["resourceDesc", "mimeType", "size", "uri", "derefUri", "digest"])
        var size: Int?
        if let text = try fields.optional("size") {
            guard let value = Int(text), value >= 0 else {
                throw .invalid("\(path).size", "\"\(XMLReadError.excerpt(text))\" is not a size in bytes")
            }
            size = value
        }
        return CAPResource(
            resourceDesc: try fields.required("resourceDesc"), mimeType: try fields.required("mimeType"), size: size,
            uri: try fields.optional("uri"), derefURI: try fields.optional("derefUri"),
            digest: try fields.optional("digest"))
    }

    static func readArea(_ node: XMLNode, path: String) throws(CAPReadError) -> CAPArea {
        let fields = try CAPElementFields(
            node, path: path, single: ["areaDesc", "altitude", "ceiling"], repeated: ["polygon", "circle", "geocode"])
        return CAPArea(
            areaDesc: try fields.required("areaDesc"),
            polygons: try fields.texts("polygon", limit: CAPElementFields.maximumPolygonLength),
            circles: try fields.texts("circle"), geocodes: try readValuePairs(fields, "geocode"),
            altitude: try fields.optional("altitude"), ceiling: try fields.optional("ceiling"))
    }

    /// `<eventCode>`, `<parameter>`, `<geocode>`. The value may be empty: the schema allows it and the US National
    /// Weather Service sends `<value></value>` for event codes it has none for.
    private static func readValuePairs(_ fields: CAPElementFields, _ name: String) throws(CAPReadError)
        -> [CAPValuePair]
    {
        var pairs: [CAPValuePair] = []
        for (index, node) in fields.nodes(name).enumerated() {
            let pair = try CAPElementFields(node, path: fields.path(name, index), single: ["valueName", "value"])
            guard !pair.nodes("value").isEmpty else {
                throw .invalid("\(pair.path).value", "<value> is required")
            }
            pairs.append(
                CAPValuePair(valueName: try pair.required("valueName"), value: try pair.optional("value") ?? ""))
        }
        return pairs
    }
}
