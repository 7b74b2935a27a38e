import Foundation
import HTTPTypes
import Hummingbird

/// Whether a browser request comes from the console's own origin. Browsers send `Origin` on every state-changing
/// `fetch`, and `Sec-Fetch-Site` on every request; a request with neither is not from a current browser's page
/// on another site (and still needs the CSRF token).
struct OriginCheck: Sendable {
    /// The gateway's public root (`--public-url`), also accepted as the origin behind a proxy that rewrites Host.
    let publicURL: String?

    func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[HTTPField.Name("sec-fetch-site")!], site == "cross-site" || site == "same-site" {
            return false
        }
        guard let origin = request.headers[.origin] else { return true }
        if let publicURL, Self.trimmed(publicURL) == Self.trimmed(origin) { return true }
        guard let host = request.head.authority, let url = URL(string: origin), let originHost = url.host else {
            return false
        }
        let bracketed = originHost.contains(":") ? "[\(originHost)]" : originHost  // an IPv6 literal
        let originAuthority = url.port.map { "\(bracketed):\($0)" } ?? bracketed
        return originAuthority.lowercased() == host.lowercased()
    }

    private static func trimmed(_ url: String) -> String {
        var text = url.lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
