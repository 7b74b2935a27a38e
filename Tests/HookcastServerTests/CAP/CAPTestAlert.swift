import Foundation
import HTTPTypes

/// A CAP 1.2 message written for a test, with the elements the rules and the lifecycle read.
struct CAPTestAlert {
    var identifier = "T-\(UUID().uuidString.prefix(8))"
    var sender = "alerts@example.org"
    var sent = "2026-12-06T10:00:00-00:00"
    var status = "Actual"
    var msgType = "Alert"
    var references: [CAPTestAlert] = []
    var event = "Earthquake"
    var severity = "Extreme"
    var urgency = "Immediate"
    var certainty = "Observed"
    var responseType: String? = nil
    var headline = "Strong earthquake"
    var instruction: String? = "Drop, cover and hold on."
    var expires: Date? = nil
    var areaDesc = "City of Springfield"

    var reference: String { "\(sender),\(identifier),\(sent)" }

    var xml: String {
        var info = """
              <category>Geo</category>
              <event>\(event)</event>

            """
        if let responseType { info += "      <responseType>\(responseType)</responseType>\n" }
        info += """
              <urgency>\(urgency)</urgency>
              <severity>\(severity)</severity>
              <certainty>\(certainty)</certainty>

            """
        if let expires { info += "      <expires>\(Self.capTime(expires))</expires>\n" }
        info += "      <headline>\(headline)</headline>\n"
        if let instruction { info += "      <instruction>\(instruction)</instruction>\n" }
        info += "      <area><areaDesc>\(areaDesc)</areaDesc></area>\n"
        let referencesElement =
            references.isEmpty
            ? "" : "  <references>\(references.map(\.reference).joined(separator: " "))</references>\n"
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
              <identifier>\(identifier)</identifier>
              <sender>\(sender)</sender>
              <sent>\(sent)</sent>
              <status>\(status)</status>
              <msgType>\(msgType)</msgType>
              <scope>Public</scope>
            \(referencesElement)  <info>
            \(info)  </info>
            </alert>
            """
    }

    /// An Update or Cancel of this alert, sent a minute later.
    func followedBy(_ msgType: String, _ change: (inout CAPTestAlert) -> Void = { _ in }) -> CAPTestAlert {
        var next = CAPTestAlert(sender: sender, sent: "2026-12-06T10:01:00-00:00", msgType: msgType, references: [self])
        next.event = event
        change(&next)
        return next
    }

    /// CAP's form: seconds, and the zone as an offset (never "Z").
    static func capTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: date) + "+00:00"
    }
}

extension GatewayClient {
    /// Posts a CAP message with the key, as an alerting platform does.
    func postCAP(
        key: String?, _ body: String, contentType: String = "application/cap+xml"
    ) async throws -> HTTPResult {
        try await postCAP(key: key, bytes: Array(body.utf8), contentType: contentType)
    }

    func postCAP(key: String?, bytes: [UInt8], contentType: String = "application/cap+xml") async throws -> HTTPResult {
        var headers: HTTPFields = [.contentType: contentType]
        if let key { headers[HTTPField.Name("x-webhook-apikey")!] = key }
        return try await request(.post, "/public-api/integration/cap", headers: headers, bytes: bytes)
    }
}
