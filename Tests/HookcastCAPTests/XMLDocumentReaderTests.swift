import HookcastCAP
import Testing

@Suite("XML reader: what it reads")
struct XMLDocumentReaderTests {
    func read(_ text: String, limits: XMLLimits = .init()) throws -> XMLNode {
        try XMLDocumentReader.read(Array(text.utf8), limits: limits)
    }

    @Test("names, namespaces, attributes and text of nested elements")
    func structure() throws {
        let root = try read(
            """
            <?xml version="1.0" encoding="utf-8" standalone='yes'?>
            <f:feed xmlns:f="urn:feed" xmlns="urn:default" version = '2' f:lang="en">
              <entry id="1"><title>One</title></entry>
              <entry id="2" xmlns=""><title>Two</title></entry>
            </f:feed>
            """)
        #expect(root.name == "feed")
        #expect(root.namespace == "urn:feed")
        #expect(root.attributes == ["version": "2", "lang": "en"])
        #expect(root.children("entry").map { $0.attributes["id"] } == ["1", "2"])
        #expect(root.children.map(\.namespace) == ["urn:default", nil])
        #expect(root.child("entry")?.child("title")?.text == "One")
        #expect(root.children[1].child("title")?.namespace == nil)
        #expect(root.child("entry", namespace: "urn:default")?.attributes["id"] == "1")
    }

    @Test("references, CDATA, comments, skipped processing instructions and line ends")
    func text() throws {
        let root = try read(
            "\u{FEFF}<?xml-stylesheet href='a.xsl'?><!-- before --><a t=\"x&#10;&amp;\ty\">"
                + "1 &lt; 2 &gt; 0 &amp;&apos;&quot; &#233;&#x1F600;<![CDATA[<b>&amp;</b>]]><!-- inside -->\r\nend\rz"
                + "<?pi skipped?></a>\n<!-- after -->\n")
        #expect(root.name == "a")
        // A character reference keeps its line feed; a literal tab is read as a space.
        #expect(root.attributes["t"] == "x\n& y")
        #expect(root.text == "1 < 2 > 0 &'\" é😀<b>&amp;</b>\nend\nz")
        #expect(root.children.isEmpty)
    }

    @Test("line ends in CDATA read as line feeds too")
    func cdataLineEnds() throws {
        #expect(try read("<a><![CDATA[1\r\n2\r3\n\n4]]></a>").text == "1\n2\n3\n\n4")
    }

    @Test("text is kept untrimmed and self-closing elements are empty")
    func whitespace() throws {
        let root = try read("<a>  <b/> x <c></c></a>")
        #expect(root.text == "   x ")
        #expect(root.children.map(\.name) == ["b", "c"])
        #expect(root.children.allSatisfy { $0.text.isEmpty })
    }

    @Test("the xml prefix is bound without a declaration")
    func xmlPrefix() throws {
        let root = try read(#"<a xml:lang="es-US"/>"#)
        #expect(root.attributes == ["lang": "es-US"])
    }

    @Test("every CAP specification example reads")
    func specificationExamples() throws {
        for name in Fixture.capSpecificationExamples {
            let root = try XMLDocumentReader.read(try Fixture.bytes(name))
            #expect(root.name == "alert" && root.namespace == "urn:oasis:names:tc:emergency:cap:1.2", "\(name)")
        }
    }

    @Test("limits at their bounds are accepted")
    func limitsInclusive() throws {
        let limits = XMLLimits(
            maximumBytes: 64, maximumDepth: 3, maximumNodes: 3, maximumAttributes: 2, maximumNameLength: 3)
        let root = try read(#"<abc x="1" y="2"><b><c/></b></abc>"#, limits: limits)
        #expect(root.child("b")?.child("c") != nil)
    }
}
