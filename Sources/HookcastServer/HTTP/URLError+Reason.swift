import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension URLError {
    /// Why an outgoing request (a callback report, a CAP feed) got no answer, in a few words for the admin API: the
    /// error's kind, not its text, which can quote the URL.
    var reason: String {
        switch code {
        case .timedOut: "no answer within the timeout"
        case .cannotConnectToHost: "connection refused"
        case .cannotFindHost, .dnsLookupFailed: "host not found"
        case .networkConnectionLost: "connection lost"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
            "TLS connection failed"
        default: "request failed (URL error \(code.rawValue))"
        }
    }
}
