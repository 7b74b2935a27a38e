import Foundation

/// A document a CAP feed poller fetched: one alert, or a list of entries that point at alerts.
public enum CAPFeedDocument: Sendable, Equatable {
    case alert(CAPAlert)
    case feed([CAPFeedEntry])
}

/// One entry of an Atom feed or RSS 2.0 channel. `link` is returned as written, relative or not: the poller resolves
/// it against the feed's URL.
public struct CAPFeedEntry: Sendable, Equatable {
    /// Atom's `id`, RSS's `guid`.
    public var id: String?
    public var link: String
    /// Atom's `updated`, RSS's `pubDate`, as written (the two use different date formats).
    public var updated: String?
    /// An alert carried in the entry itself (Atom `content` holding a CAP `alert`), read and checked like any other.
    public var inlineAlert: CAPAlert?

    public init(id: String? = nil, link: String, updated: String? = nil, inlineAlert: CAPAlert? = nil) {
        self.id = id
        self.link = link
        self.updated = updated
        self.inlineAlert = inlineAlert
    }
}

/// Reads what a CAP feed URL serves: a CAP 1.2 alert, an Atom feed (`http://www.w3.org/2005/Atom`) or an RSS 2.0
/// channel. An entry without a usable link, or with an inline alert that breaks CAP's rules, refuses the whole
/// document with the entry's path, so a broken feed is reported rather than half read.
public enum CAPFeedReader {
    public static let atomNamespace = "http://www.w3.org/2005/Atom"
    public static let capMediaType = "application/cap+xml"

    public static func read(_ bytes: [UInt8]) throws(CAPReadError) -> CAPFeedDocument {
        let root = try CAPAlertReader.readXML(bytes)
        switch (root.name, root.namespace) {
        case ("alert", CAPAlertReader.namespace):
            return .alert(try CAPAlertReader.read(root))
        case ("feed", atomNamespace):
            return .feed(try readAtom(root))
        case ("rss", nil):
            return .feed(try readRSS(root))
        default:
            throw .notAnAlert(
                XMLReadError.excerpt(root.name),
                "the root element <\(XMLReadError.excerpt(root.name))> is not a CAP 1.2 alert, an Atom feed or RSS 2.0")
        }
    }

    private static func readAtom(_ feed: XMLNode) throws(CAPReadError) -> [CAPFeedEntry] {
        var entries: [CAPFeedEntry] = []
        for (index, entry) in feed.children("entry", namespace: atomNamespace).enumerated() {
            let path = "feed.entry[\(index)]"
            let links = entry.children("link", namespace: atomNamespace)
            let chosen =
                links.first { $0.attributes["type"] == capMediaType }
                ?? links.first { ($0.attributes["rel"] ?? "alternate") == "alternate" }
            guard let href = chosen?.attributes["href"].map(trimmed), !href.isEmpty else {
                throw .invalid("\(path).link", "the entry has no CAP or alternate link with an href")
            }
            var inlineAlert: CAPAlert?
            if let alert = entry.child("content", namespace: atomNamespace)?.child(
                "alert", namespace: CAPAlertReader.namespace)
            {
                do {
                    inlineAlert = try CAPAlertReader.read(alert)
                } catch {
                    throw error.nested(under: "\(path).content")
                }
            }
            entries.append(
                CAPFeedEntry(
                    id: text(entry.child("id", namespace: atomNamespace)), link: href,
                    updated: text(entry.child("updated", namespace: atomNamespace)), inlineAlert: inlineAlert))
        }
        return entries
    }

    private static func readRSS(_ rss: XMLNode) throws(CAPReadError) -> [CAPFeedEntry] {
        guard let channel = rss.child("channel", namespace: nil) else {
            throw .invalid("rss.channel", "an RSS document needs a <channel>")
        }
        var entries: [CAPFeedEntry] = []
        for (index, item) in channel.children("item", namespace: nil).enumerated() {
            guard let link = text(item.child("link", namespace: nil)) else {
                throw .invalid("rss.channel.item[\(index)].link", "the item has no <link>")
            }
            entries.append(
                CAPFeedEntry(
                    id: text(item.child("guid", namespace: nil)), link: link,
                    updated: text(item.child("pubDate", namespace: nil))))
        }
        return entries
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Trimmed text, nil when absent or empty.
    private static func text(_ node: XMLNode?) -> String? {
        guard let node else { return nil }
        let value = trimmed(node.text)
        return value.isEmpty ? nil : value
    }
}
