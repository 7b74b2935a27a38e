import HookcastCAP
import Testing

/// Alerts that break CAP 1.2's rules: each refused with its code and the path of the element at fault.
@Suite("CAP alerts refused")
struct CAPRefusalTests {
    static let namespace = "urn:oasis:names:tc:emergency:cap:1.2"

    /// A valid alert; `header` replaces the alert-level elements and `info` the one info block.
    static func document(
        header: String = """
        <identifier>ID-1</identifier><sender>ops@example.org</sender><sent>2024-05-01T10:00:00-00:00</sent>
        <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
        """,
        info: String = """
        <category>Fire</category><event>Wildfire</event><urgency>Expected</urgency><severity>Severe</severity>
        <certainty>Likely</certainty><area><areaDesc>North ridge</areaDesc></area>
        """,
        root: String = "alert xmlns=\"\(namespace)\""
    ) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><\(root)>\(header)<info>\(info)</info></\(root.prefix { $0 != " " })>"
    }

    func refusal(_ document: String) -> CAPReadError? {
        do {
            _ = try CAPAlertReader.read(Array(document.utf8))
            return nil
        } catch {
            return error
        }
    }

    func header(replacing old: String, with new: String) -> String {
        Self.document().replacingOccurrences(of: old, with: new)
    }

    @Test("the template itself is valid, in any element order, with foreign elements ignored")
    func validTemplate() throws {
        #expect(refusal(Self.document()) == nil)
        let reordered = Self.document(
            header: """
                <scope>Public</scope><msgType>Alert</msgType><status>Actual</status>
                <sent>2024-05-01T10:00:00.250+00:00</sent><sender>ops@example.org</sender><identifier>ID-1</identifier>
                <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>
                """)
        let alert = try CAPAlertReader.read(Array(reordered.utf8))
        #expect(alert.sent.date.timeIntervalSince1970 == 1_714_557_600.25)
        #expect(alert.infos.first?.language == "en-US")
    }

    @Test("a missing or empty required element")
    func missingRequired() {
        let missing = refusal(header(replacing: "<identifier>ID-1</identifier>", with: ""))
        #expect(missing?.code == "cap_invalid" && missing?.kind == .invalid)
        #expect(missing?.element == "alert.identifier")
        #expect(
            refusal(header(replacing: "<identifier>ID-1</identifier>", with: "<identifier> </identifier>"))?.element
                == "alert.identifier")
        #expect(
            refusal(
                Self.document(
                    info:
                        "<event>x</event><urgency>Past</urgency><severity>Minor</severity><certainty>Likely</certainty>"
                ))?.element == "alert.info[0].category")
        #expect(
            refusal(header(replacing: "<areaDesc>North ridge</areaDesc>", with: ""))?.element
                == "alert.info[0].area[0].areaDesc")
    }

    @Test("a code value CAP 1.2 does not have")
    func badCodeValues() {
        let status = refusal(header(replacing: "<status>Actual</status>", with: "<status>actual</status>"))
        #expect(status?.code == "cap_invalid" && status?.element == "alert.status")
        #expect(status?.message.contains("Actual, Exercise, System, Test, Draft") == true)
        #expect(
            refusal(header(replacing: "<urgency>Expected</urgency>", with: "<urgency>Soon</urgency>"))?.element
                == "alert.info[0].urgency")
        #expect(
            refusal(
                header(
                    replacing: "<category>Fire</category>", with: "<category>Fire</category><category>Flood</category>")
            )?.element == "alert.info[0].category[1]")
        let veryLikely = refusal(
            header(replacing: "<certainty>Likely</certainty>", with: "<certainty>Very Likely</certainty>"))
        #expect(veryLikely?.element == "alert.info[0].certainty")
        #expect(veryLikely?.message.contains("Very Likely") == true)
    }

    @Test("a date that is not CAP 1.2's form, and Z for UTC")
    func badDates() {
        for bad in [
            "2024-05-01 10:00:00-07:00", "2024-05-01T10:00:00", "2024-02-30T10:00:00-07:00",
            "2024-05-01T24:00:00-07:00", "yesterday",
        ] {
            let error = refusal(header(replacing: "2024-05-01T10:00:00-00:00", with: bad))
            #expect(error?.code == "cap_invalid" && error?.element == "alert.sent", "\(bad)")
        }
        let zulu = refusal(header(replacing: "2024-05-01T10:00:00-00:00", with: "2024-05-01T10:00:00Z"))
        #expect(zulu?.element == "alert.sent")
        #expect(zulu?.message.contains("+00:00") == true)
        let expires = refusal(header(replacing: "<area>", with: "<expires>2024-05-01T18:00:00Z</expires><area>"))
        #expect(expires?.element == "alert.info[0].expires")
    }

    @Test("Restricted scope without a restriction, Private without addresses")
    func scopeRules() {
        let restricted = refusal(header(replacing: "<scope>Public</scope>", with: "<scope>Restricted</scope>"))
        #expect(restricted?.code == "cap_invalid" && restricted?.element == "alert.restriction")
        #expect(
            refusal(header(replacing: "<scope>Public</scope>", with: "<scope>Private</scope>"))?.element
                == "alert.addresses")
        #expect(
            refusal(
                header(
                    replacing: "<scope>Public</scope>",
                    with: "<scope>Restricted</scope><restriction>staff</restriction>")) == nil)
    }

    @Test("a root that is not a CAP 1.2 alert")
    func notAnAlert() {
        let cap11 = refusal(Self.document(root: "alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.1\""))
        #expect(cap11?.code == "cap_not_an_alert" && cap11?.kind == .notCAP)
        #expect(cap11?.element == "alert")
        #expect(cap11?.message.contains("cap:1.1") == true)
        #expect(refusal(Self.document(root: "alert"))?.code == "cap_not_an_alert")
        let other = refusal(Self.document(root: "message xmlns=\"\(Self.namespace)\""))
        #expect(other?.code == "cap_not_an_alert" && other?.element == "message")
    }

    @Test("an element CAP 1.2 does not define, or one given twice")
    func unknownElements() {
        let unknown = refusal(
            header(replacing: "<scope>Public</scope>", with: "<scope>Public</scope><priority>1</priority>"))
        #expect(unknown?.code == "cap_invalid" && unknown?.element == "alert.priority")
        #expect(
            refusal(header(replacing: "<event>Wildfire</event>", with: "<event>Wildfire</event><event>Smoke</event>"))?
                .element == "alert.info[0].event")
        #expect(
            refusal(header(replacing: "<areaDesc>", with: "<identifier>x</identifier><areaDesc>"))?.element
                == "alert.info[0].area[0].identifier")
        #expect(
            refusal(header(replacing: "<event>Wildfire</event>", with: "<event><b>Wildfire</b></event>"))?.element
                == "alert.info[0].event")
    }

    @Test("references that are not sender,identifier,sent triples")
    func malformedReferences() throws {
        for bad in ["ops@example.org,ID-0", "ops@example.org,,2024-05-01T09:00:00-00:00", "a,b,c,d"] {
            let error = refusal(
                header(replacing: "<scope>Public</scope>", with: "<scope>Public</scope><references>\(bad)</references>")
            )
            #expect(error?.code == "cap_invalid" && error?.element == "alert.references", "\(bad)")
        }
        let two = header(
            replacing: "<scope>Public</scope>",
            with:
                "<scope>Public</scope><references>\n a,ID-0,2024-05-01T09:00:00-00:00  b,ID-9,2024-05-01T09:30:00-00:00\n</references>"
        )
        #expect(try CAPAlertReader.read(Array(two.utf8)).references.map(\.identifier) == ["ID-0", "ID-9"])
    }

    @Test("identifiers and senders with spaces, commas, < or &")
    func identifierCharacters() {
        for bad in ["ID 1", "ID,1", "ID&amp;1", "ID&lt;1"] {
            #expect(
                refusal(header(replacing: "<identifier>ID-1</identifier>", with: "<identifier>\(bad)</identifier>"))?
                    .element == "alert.identifier", "\(bad)")
        }
        #expect(refusal(header(replacing: "ops@example.org", with: "ops team"))?.element == "alert.sender")
    }

    @Test("text past 10,000 characters is refused; a long headline is kept")
    func textLimits() throws {
        let long = String(repeating: "x", count: 10_001)
        let error = refusal(header(replacing: "<area>", with: "<description>\(long)</description><area>"))
        #expect(error?.element == "alert.info[0].description")
        let headline = String(repeating: "h", count: 400)
        let alert = try CAPAlertReader.read(
            Array(header(replacing: "<area>", with: "<headline> \(headline) </headline><area>").utf8))
        #expect(alert.infos.first?.headline == headline)
    }

    @Test("XML refusals pass through with their code, and size is its own kind")
    func xmlErrors() {
        let doctype = refusal("<!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + Self.document())
        #expect(doctype?.kind == .xml && doctype?.code == "xml_doctype_refused" && doctype?.element == nil)
        let large = refusal(String(repeating: " ", count: 2 << 20))
        #expect(large?.kind == .tooLarge && large?.code == "xml_too_large")
    }
}
