import HookcastCAP
import Testing

@Suite("CAP feeds")
struct CAPFeedReaderTests {
    func read(_ text: String) throws(CAPReadError) -> CAPFeedDocument {
        try CAPFeedReader.read(Array(text.utf8))
    }

    @Test("Atom: the CAP link first, else the alternate one, as written; an inline alert is read")
    func atom() throws {
        guard case .feed(let entries) = try CAPFeedReader.read(try Fixture.bytes("atom-feed")) else {
            Issue.record("not read as a feed")
            return
        }
        #expect(entries.map(\.link) == ["/cap/ID-1.xml", "alerts/ID-2.xml", "https://alerts.example.org/cap/ID-3.xml"])
        #expect(entries.map(\.id) == ["urn:example:alert:ID-1", "urn:example:alert:ID-2", "urn:example:alert:ID-3"])
        #expect(entries[1].updated == "2024-05-01T10:04:00-00:00")
        #expect(entries[0].inlineAlert == nil && entries[1].inlineAlert == nil)
        let inline = try #require(entries[2].inlineAlert)
        #expect(inline.status == .exercise && inline.msgType == .cancel && inline.infos.isEmpty)
        #expect(
            inline.references == [
                CAPReference(sender: "ops@example.org", identifier: "ID-1", sent: "2024-05-01T10:00:00-00:00")
            ])
    }

    @Test("RSS 2.0: each item's link, trimmed, with guid and pubDate")
    func rss() throws {
        let document = try CAPFeedReader.read(try Fixture.bytes("rss-feed"))
        #expect(
            document
                == .feed([
                    CAPFeedEntry(
                        id: "FW-7", link: "https://alerts.example.org/cap/FW-7.xml",
                        updated: "Wed, 01 May 2024 10:00:00 +0000"),
                    CAPFeedEntry(link: "cap/RC-2.xml"),
                ]))
    }

    @Test("a single alert is read as an alert")
    func singleAlert() throws {
        let document = try CAPFeedReader.read(try Fixture.bytes("a3-earthquake-report-update"))
        #expect(document == .alert(try CAPAlertReader.read(try Fixture.bytes("a3-earthquake-report-update"))))
    }

    @Test("entries without links, broken inline alerts and other roots are refused with their path")
    func refusals() {
        let atom = "http://www.w3.org/2005/Atom"
        #expect(throws: CAPReadError.self) {
            try read("<feed xmlns='\(atom)'><entry><link rel='self' href='x'/></entry></feed>")
        }
        do {
            _ = try read("<feed xmlns='\(atom)'><entry><link href='a'/></entry><entry><id>2</id></entry></feed>")
            Issue.record("read a feed with an entry without a link")
        } catch {
            #expect(error.code == "cap_invalid" && error.element == "feed.entry[1].link")
        }
        do {
            _ = try read(
                "<feed xmlns='\(atom)'><entry><link href='a'/><content><alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'>"
                    + "<identifier>x</identifier></alert></content></entry></feed>")
            Issue.record("read a feed with a broken inline alert")
        } catch {
            #expect(error.code == "cap_invalid" && error.element == "feed.entry[0].content.alert.sender")
        }
        do {
            _ = try read("<rss version='2.0'><channel><item><title>t</title></item></channel></rss>")
            Issue.record("read an RSS item without a link")
        } catch {
            #expect(error.element == "rss.channel.item[0].link")
        }
        do {
            _ = try read("<html><body/></html>")
            Issue.record("read an HTML page as a feed")
        } catch {
            #expect(error.code == "cap_not_an_alert" && error.element == "html")
        }
    }
}
