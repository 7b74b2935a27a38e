import Foundation
import HTTPTypes
import HookcastTestSupport
import Hummingbird
import NIOCore
import Synchronization

/// A CAP feed as a public warning system serves one: a Hummingbird server on 127.0.0.1 (port 0) in this process
/// with an Atom feed at `/feed.xml` (ETag and If-None-Match, as real feeds do) and alerts at `/alerts/{name}`.
final class CAPFeedServer: Sendable {
    private struct State {
        var feed = ""
        var feedStatus = 200
        var alerts: [String: String] = [:]
        var feedRequests = 0
        var notModified = 0
    }

    private let state = Mutex(State())
    let port: Int

    private init(port: Int) {
        self.port = port
    }

    var feedURL: String { "http://127.0.0.1:\(port)/feed.xml" }
    func alertURL(_ name: String) -> String { "http://127.0.0.1:\(port)/alerts/\(name)" }
    var feedRequests: Int { state.withLock(\.feedRequests) }
    var notModified: Int { state.withLock(\.notModified) }

    /// Serves `entries` as an Atom feed: each a linked alert (`link`, relative) or an inline one (`inline`).
    func publish(_ entries: [(id: String, link: String?, inline: String?)], status: Int = 200) {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">"#
        xml += "<id>urn:test:feed</id><title>Test alerts</title><updated>2026-12-06T10:00:00Z</updated>"
        for entry in entries.reversed() {
            xml += "<entry><id>\(entry.id)</id><title>\(entry.id)</title><updated>2026-12-06T10:00:00Z</updated>"
            if let link = entry.link { xml += #"<link type="application/cap+xml" href="\#(link)"/>"# }
            if let inline = entry.inline {
                xml +=
                    #"<link rel="alternate" href="https://example.org/\#(entry.id)"/><content type="application/cap+xml">"#
                xml += inline.replacingOccurrences(of: #"<?xml version="1.0" encoding="UTF-8"?>"#, with: "")
                xml += "</content>"
            }
            xml += "</entry>"
        }
        xml += "</feed>"
        state.withLock {
            $0.feed = xml
            $0.feedStatus = status
        }
    }

    func serve(alert xml: String, as name: String) {
        state.withLock { $0.alerts[name] = xml }
    }

    /// The feed itself answers `status` with `body`, instead of the Atom feed.
    func answerFeed(_ status: Int, body: String) {
        state.withLock {
            $0.feed = body
            $0.feedStatus = status
        }
    }

    private func feed(_ request: Request) -> Response {
        state.withLock { state in
            state.feedRequests += 1
            let etag = "\"\(state.feed.hashValue)\""
            if state.feedStatus == 200, request.headers[.ifNoneMatch] == etag {
                state.notModified += 1
                return Response(status: .notModified, headers: [.eTag: etag])
            }
            return Response(
                status: .init(code: state.feedStatus), headers: [.contentType: "application/atom+xml", .eTag: etag],
                body: .init(byteBuffer: ByteBuffer(string: state.feed)))
        }
    }

    private func alert(_ name: String) -> Response {
        guard let xml = state.withLock({ $0.alerts[name] }) else { return Response(status: .notFound) }
        return Response(
            status: .ok, headers: [.contentType: "application/cap+xml"],
            body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    /// Runs a feed server for the duration of `body`.
    static func with<T: Sendable>(_ body: @escaping @Sendable (CAPFeedServer) async throws -> T) async throws -> T {
        let router = Router()
        let server = Mutex<CAPFeedServer?>(nil)
        router.get("feed.xml") { request, _ -> Response in
            server.withLock { $0 }?.feed(request) ?? Response(status: .serviceUnavailable)
        }
        router.get("alerts/:name") { _, context -> Response in
            server.withLock { $0 }?.alert(context.parameters.get("name") ?? "") ?? Response(status: .serviceUnavailable)
        }
        return try await LoopbackHTTPServer.run(router) { port in
            let started = CAPFeedServer(port: port)
            server.withLock { $0 = started }
            return try await body(started)
        }
    }
}
