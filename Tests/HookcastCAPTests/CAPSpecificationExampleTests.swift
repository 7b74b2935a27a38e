import Foundation
import HookcastCAP
import Testing

/// The four sample messages of CAP 1.2's Appendix A, read to the values the specification shows.
@Suite("CAP 1.2 specification examples")
struct CAPSpecificationExampleTests {
    func alert(_ name: String) throws -> CAPAlert {
        try CAPAlertReader.read(try Fixture.bytes(name))
    }

    @Test("A.1 Homeland Security Advisory System alert")
    func homelandSecurityAdvisory() throws {
        let alert = try alert("a1-homeland-security-advisory")
        #expect(
            alert.key
                == CAPReference(sender: "hsas@dhs.gov", identifier: "43b080713727", sent: "2003-04-02T14:39:01-05:00"))
        #expect(alert.sent.date == Date(timeIntervalSince1970: 1_049_312_341))
        #expect(alert.status == .actual && alert.msgType == .alert && alert.scope == .public)
        #expect(alert.references.isEmpty && alert.codes.isEmpty)
        let info = try #require(alert.infos.first)
        #expect(alert.infos.count == 1)
        #expect(info.language == "en-US")
        #expect(info.categories == [.security])
        #expect(info.event == "Homeland Security Advisory System Update")
        #expect(info.urgency == .immediate && info.severity == .severe && info.certainty == .likely)
        #expect(info.headline == "Homeland Security Sets Code ORANGE")
        #expect(info.instruction?.hasPrefix("A High Condition is declared") == true)
        #expect(info.web == "http://www.dhs.gov/dhspublic/display?theme=29")
        #expect(info.parameters == [CAPValuePair(valueName: "HSAS", value: "ORANGE")])
        #expect(
            info.resources == [
                CAPResource(
                    resourceDesc: "Image file (GIF)", mimeType: "image/gif",
                    uri: "http://www.dhs.gov/dhspublic/getAdvisoryImage")
            ])
        #expect(info.areas == [CAPArea(areaDesc: "U.S. nationwide and interests worldwide")])
        #expect(info.expires == nil)
    }

    @Test("A.2 Severe Thunderstorm Warning")
    func severeThunderstormWarning() throws {
        let alert = try alert("a2-severe-thunderstorm-warning")
        #expect(alert.identifier == "KSTO1055887203" && alert.sender == "KSTO@NWS.NOAA.GOV")
        let info = try #require(alert.infos.first)
        #expect(info.categories == [.met] && info.responseTypes == [.shelter])
        #expect(info.urgency == .immediate && info.severity == .severe && info.certainty == .observed)
        #expect(info.eventCodes == [CAPValuePair(valueName: "SAME", value: "SVR")])
        #expect(info.expires?.text == "2003-06-17T16:00:00-07:00")
        // 16:00 PDT is 23:00 UTC, 63 minutes after it was sent at 14:57 PDT.
        #expect(info.expires?.date == Date(timeIntervalSince1970: 1_055_890_800))
        #expect(info.expires.map { $0.date.timeIntervalSince(alert.sent.date) } == 3_780)
        #expect(info.contact == "BARUFFALDI/JUSKIE")
        let area = try #require(info.areas.first)
        #expect(area.polygons == ["38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 38.47,-120.14"])
        #expect(area.geocodes.map(\.value) == ["006109", "006009", "006003"])
        #expect(area.geocodes.allSatisfy { $0.valueName == "SAME" })
    }

    @Test("A.3 Earthquake Report, an update referring to the first report")
    func earthquakeReportUpdate() throws {
        let alert = try alert("a3-earthquake-report-update")
        #expect(alert.msgType == .update)
        #expect(
            alert.references == [
                CAPReference(
                    sender: "trinet@caltech.edu", identifier: "TRI13970876.1", sent: "2003-06-11T20:30:00-07:00")
            ])
        let info = try #require(alert.infos.first)
        #expect(info.categories == [.geo] && info.event == "Earthquake")
        #expect(info.urgency == .past && info.severity == .minor && info.certainty == .observed)
        #expect(info.parameters.map(\.valueName) == ["EventID", "Version", "Magnitude", "Depth", "Quality"])
        #expect(info.parameters.first { $0.valueName == "Magnitude" }?.value == "3.4 Ml")
        #expect(info.areas.first?.circles == ["32.9525,-115.5527 0"])
        #expect(info.areas.first?.polygons == [])
    }

    @Test("A.4 AMBER Alert in English and Spanish")
    func amberAlertMultilingual() throws {
        let alert = try alert("a4-amber-alert-multilingual")
        #expect(alert.identifier == "KAR0-0306112239-SW" && alert.source == "SW")
        #expect(alert.infos.count == 2)
        #expect(alert.infos.map(\.language) == ["en-US", "es-US"])
        #expect(alert.infos.map(\.event) == ["Child Abduction", "Abducción de Niño"])
        #expect(
            alert.infos.allSatisfy {
                $0.categories == [.rescue] && $0.eventCodes == [CAPValuePair(valueName: "SAME", value: "CAE")]
            })
        #expect(alert.infos.map { $0.areas.map(\.areaDesc) } == [["Los Angeles County"], ["condado de Los Ángeles"]])
        #expect(
            alert.infos.allSatisfy { $0.areas.first?.geocodes == [CAPValuePair(valueName: "SAME", value: "006037")] })
        #expect(alert.infos[1].headline == "Alerta Amber en el condado de Los Ángeles")
    }

    @Test("an alert encodes to JSON with snake-case keys and CAP spellings, and decodes back equal")
    func json() throws {
        let alert = try alert("a2-severe-thunderstorm-warning")
        let data = try JSONEncoder().encode(alert)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["msg_type"] as? String == "Alert")
        #expect(object["sent"] as? String == "2003-06-17T14:57:00-07:00")
        let info = try #require((object["infos"] as? [[String: Any]])?.first)
        #expect(info["response_types"] as? [String] == ["Shelter"])
        #expect((info["event_codes"] as? [[String: String]])?.first == ["value_name": "SAME", "value": "SVR"])
        #expect((info["areas"] as? [[String: Any]])?.first?["area_desc"] is String)
        #expect(try JSONDecoder().decode(CAPAlert.self, from: data) == alert)
    }
}
