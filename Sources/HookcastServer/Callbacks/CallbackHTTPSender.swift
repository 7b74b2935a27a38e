import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// POSTs a delivery report: JSON with the Standard Webhooks headers, a timeout, and no redirects followed (a
/// receiver that moved answers 3xx, which counts as not delivered, rather than the report going somewhere the
/// admin never named).
struct CallbackHTTPSender: Sendable {
    /// What the receiver answered, or why there was no answer (never the secret).
    enum Outcome: Sendable, Equatable {
        case answered(status: Int)
        case noAnswer(String)
    }

    let timeout: Duration
    private let session: LazyURLSession

    init(timeout: Duration = .seconds(10)) {
        self.timeout = timeout
        session = LazyURLSession {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = timeout.timeIntervalSeconds
            configuration.httpCookieAcceptPolicy = .never
            configuration.httpShouldSetCookies = false
            return URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
        }
    }

    func post(url: URL, body: Data, headers: [String: String]) async -> Outcome {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = timeout.timeIntervalSeconds
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Hookcast", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        do {
            let (_, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return .noAnswer("not an HTTP response") }
            return .answered(status: http.statusCode)
        } catch let error as URLError {
            return .noAnswer(error.reason)
        } catch {
            return .noAnswer("the request failed")
        }
    }
}

/// Answers every redirect with "do not follow": the 3xx itself becomes the response.
private final class RefuseRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

extension Duration {
    var timeIntervalSeconds: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
