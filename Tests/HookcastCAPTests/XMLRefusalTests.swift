import HookcastCAP
import Testing

/// Hostile and broken documents: each refused with its own code, at the right place, quickly.
@Suite("XML reader: what it refuses")
struct XMLRefusalTests {
    func refusal(_ bytes: [UInt8], limits: XMLLimits = .init()) -> XMLReadError? {
        do {
            _ = try XMLDocumentReader.read(bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    func refusal(_ text: String, limits: XMLLimits = .init()) -> XMLReadError? {
        refusal(Array(text.utf8), limits: limits)
    }

    @Test("a DOCTYPE is refused, whatever it declares")
    func doctype() throws {
        let billionLaughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
            ]>
            <lolz>&lol3;</lolz>
            """
        let external = #"<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><alert>&xxe;</alert>"#
        let parameter = #"<!DOCTYPE a [<!ENTITY % p SYSTEM "http://example.invalid/x.dtd"> %p;]><a/>"#
        let inside = "<a><!doctype a></a>"
        for document in [billionLaughs, external, parameter, inside] {
            let error = try #require(refusal(document))
            #expect(error.code == "xml_doctype_refused")
        }
        #expect(refusal(billionLaughs)?.line == 2)
        #expect(refusal(billionLaughs)?.column == 1)
    }

    @Test("entities other than the five predefined ones are refused, and so are references to bad characters")
    func entities() {
        #expect(refusal("<a>&foo;</a>")?.code == "xml_entity_refused")
        #expect(refusal("<a>&foo;</a>")?.column == 4)
        #expect(refusal(#"<a b="&nbsp;"/>"#)?.code == "xml_entity_refused")
        #expect(refusal("<a>&#0;</a>")?.code == "xml_entity_refused")
        #expect(refusal("<a>&#xD800;</a>")?.code == "xml_entity_refused")
        #expect(refusal("<a>&#x110000;</a>")?.code == "xml_entity_refused")
        #expect(refusal("<a>AT&T</a>")?.code == "xml_malformed")
        #expect(refusal("<a>&#;</a>")?.code == "xml_malformed")
        #expect(refusal("<a>&#123456789;</a>")?.code == "xml_malformed")
    }

    @Test("10,000-deep nesting fails at the depth limit without recursion")
    func deepNesting() {
        let document = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        let error = refusal(document)
        #expect(error?.code == "xml_too_deep")
        #expect(error?.column == 32 * 3 + 1)
        #expect(
            refusal(String(repeating: "<a>", count: 33) + String(repeating: "</a>", count: 33))?.code == "xml_too_deep")
        #expect(refusal(String(repeating: "<a>", count: 32) + String(repeating: "</a>", count: 32)) == nil)
    }

    @Test("a 10 MB body is refused before it is read")
    func tooLarge() {
        // Invalid UTF-8 throughout: refused for its size, so nothing of it was read.
        let error = refusal([UInt8](repeating: 0xFF, count: 10 << 20))
        #expect(error?.code == "xml_too_large")
        #expect(error?.line == 0)
        #expect(refusal(Array(repeating: UInt8(ascii: " "), count: (1 << 20) + 1))?.code == "xml_too_large")
    }

    @Test("invalid UTF-8, a foreign encoding or byte order mark")
    func encodings() {
        #expect(refusal([UInt8]("<a>caf".utf8) + [0xE9] + [UInt8]("</a>".utf8))?.code == "xml_invalid_utf8")
        #expect(refusal([UInt8]("<a>".utf8) + [0xC0, 0xAF] + [UInt8]("</a>".utf8))?.code == "xml_invalid_utf8")
        #expect(refusal([UInt8]("<a>".utf8) + [0xED, 0xA0, 0x80] + [UInt8]("</a>".utf8))?.code == "xml_invalid_utf8")
        #expect(refusal([UInt8]("<a>".utf8) + [0xF0, 0x9F] + [UInt8]("</a>".utf8))?.code == "xml_invalid_utf8")
        let latin1 = [UInt8](#"<?xml version="1.0" encoding="ISO-8859-1"?><a>caf"#.utf8) + [0xE9] + [UInt8]("</a>".utf8)
        let error = refusal(latin1)
        #expect(error?.code == "xml_encoding_unsupported")
        #expect(error?.message.contains("ISO-8859-1") == true)
        #expect(refusal([0xFF, 0xFE, 0x3C, 0x00])?.code == "xml_encoding_unsupported")
        #expect(refusal(#"<?xml version="1.0" encoding="UTF-8"?><a/>"#) == nil)
        #expect(refusal("<a>\u{1}</a>")?.code == "xml_malformed")
    }

    @Test("broken structure is malformed, with its position")
    func malformed() {
        let mismatched = refusal("<a>\n  <b></c></a>")
        #expect(mismatched?.code == "xml_malformed")
        #expect(mismatched?.line == 2 && mismatched?.column == 6)
        #expect(mismatched?.message.contains("</c>") == true)
        for document in [
            "", "   ", "<a>", "<a></a><b/>", "text<a/>", "<a/>text", "<a b='1' b='2'/>", "<p:a/>", "<a p:b='1'/>",
            "<a x:b='1' xmlns:x='u' y:b='2' xmlns:y='v'/>", "<a>]]></a>", "</a>", "<a><?xml version='1.0'?></a>",
            "<a b=1/>", "<a b='<'/>", "<a b='1'c='2'/>", "<a><!ELEMENT a ANY></a>", "<a><![CDATA[x</a>",
            "<a><!-- x</a>", "<:a/>", "<a xmlns:p=''/>", "<a xmlns:xml='urn:other'/>",
        ] {
            #expect(refusal(document)?.code == "xml_malformed", "\(document)")
        }
    }

    @Test("element, attribute and name limits")
    func limits() {
        let many = "<a>" + String(repeating: "<b/>", count: 20_000) + "</a>"
        #expect(refusal(many)?.code == "xml_too_many_nodes")
        let attributes = (0...32).map { " a\($0)='1'" }.joined()
        #expect(refusal("<a\(attributes)/>")?.code == "xml_too_many_attributes")
        #expect(refusal("<\(String(repeating: "n", count: 257))/>")?.code == "xml_name_too_long")
    }

    @Test("messages quote at most 40 characters of the input")
    func shortMessages() {
        let long = String(repeating: "x", count: 200)
        for document in ["<a></\(long)>", "<a>&\(long);</a>", "<\(long)>"] {
            let error = refusal(document)
            #expect(error != nil)
            #expect((error?.message.count ?? .max) < 120, "\(error?.message ?? "")")
        }
    }
}
