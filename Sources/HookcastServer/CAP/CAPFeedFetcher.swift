import AsyncHTTPClient
import Foundation
import NIOCore

/// GETs what a CAP feed (or an entry's alert) serves, conditionally: with the ETag and Last-Modified of the last
/// answer, so an unchanged feed costs a 304. No cache, no cookies: the validators are Hookcast's own, kept with
/// the feed. Redirects are followed (up to five).
struct CAPFeedFetcher: Sendable {
    /// What the server answered, or why it did not.
    enum Outcome: Sendable, Equatable {
        case answered(status: Int, body: [UInt8], etag: String?, lastModified: String?)
        case noAnswer(String)
    }

    /// The most a feed or an alert may be: what the CAP reader takes.
    let maximumBytes: Int
    let timeout: TimeInterval

    init(timeout: TimeInterval = 15, maximumBytes: Int = 1 << 20) {
        self.maximumBytes = maximumBytes
        self.timeout = timeout
    }

    func fetch(_ url: URL, etag: String? = nil, lastModified: String? = nil) async -> Outcome {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(
            name: "Accept",
            value: "application/cap+xml, application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.1")
        request.headers.add(name: "User-Agent", value: "Hookcast")
        if let etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
        do {
            let response = try await OutboundHTTP.followingRedirects.execute(
                request, timeout: .milliseconds(Int64(timeout * 1000)))
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: maximumBytes)
            } catch is NIOTooManyBytesError {
                return .noAnswer("the answer is larger than \(maximumBytes / 1024) KiB")
            }
            return .answered(
                status: Int(response.status.code), body: Array(body.readableBytesView),
                etag: response.headers.first(name: "ETag"),
                lastModified: response.headers.first(name: "Last-Modified"))
        } catch {
            return .noAnswer(OutboundHTTP.reason(for: error))
        }
    }
}
