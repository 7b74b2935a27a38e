import AsyncHTTPClient
import Foundation
import NIOCore

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

    init(timeout: Duration = .seconds(10)) {
        self.timeout = timeout
    }

    func post(url: URL, body: Data, headers: [String: String]) async -> Outcome {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Hookcast")
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await OutboundHTTP.withoutRedirects.execute(request, timeout: .init(timeout))
            // Only the status counts. The answer is read (up to 64 KiB, the rest refused) so that the connection
            // can serve the next report.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return .answered(status: Int(response.status.code))
        } catch {
            return .noAnswer(OutboundHTTP.reason(for: error))
        }
    }
}
