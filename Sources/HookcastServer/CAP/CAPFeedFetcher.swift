import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// GETs what a CAP feed (or an entry's alert) serves, conditionally: with the ETag and Last-Modified of the last
/// answer, so an unchanged feed costs a 304. No cache, no cookies: the validators are Hookcast's own, kept with
/// the feed, and a cache would answer 200 from memory where the server said 304.
struct CAPFeedFetcher: Sendable {
    /// What the server answered, or why it did not.
    enum Outcome: Sendable, Equatable {
        case answered(status: Int, body: [UInt8], etag: String?, lastModified: String?)
        case noAnswer(String)
    }

    /// The most a feed or an alert may be: what the CAP reader takes.
    let maximumBytes: Int
    private let session: LazyURLSession

    init(timeout: TimeInterval = 15, maximumBytes: Int = 1 << 20) {
        self.maximumBytes = maximumBytes
        session = LazyURLSession {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = timeout
            configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
            configuration.urlCache = nil
            configuration.httpCookieAcceptPolicy = .never
            configuration.httpShouldSetCookies = false
            return URLSession(configuration: configuration)
        }
    }

    func fetch(_ url: URL, etag: String? = nil, lastModified: String? = nil) async -> Outcome {
        var request = URLRequest(url: url)
        request.setValue(
            "application/cap+xml, application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.1",
            forHTTPHeaderField: "Accept")
        request.setValue("Hookcast", forHTTPHeaderField: "User-Agent")
        if let etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
        if let lastModified { request.setValue(lastModified, forHTTPHeaderField: "If-Modified-Since") }
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return .noAnswer("not an HTTP response") }
            guard data.count <= maximumBytes else {
                return .noAnswer("the answer is larger than \(maximumBytes / 1024) KiB")
            }
            return .answered(
                status: http.statusCode, body: Array(data), etag: http.value(forHTTPHeaderField: "ETag"),
                lastModified: http.value(forHTTPHeaderField: "Last-Modified"))
        } catch let error as URLError {
            return .noAnswer(error.reason)
        } catch {
            return .noAnswer("the request failed")
        }
    }
}
