import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTP clients for what Hookcast sends out: delivery reports, CAP feeds, the admin CLI's calls.
///
/// AsyncHTTPClient on the SwiftNIO event loops the gateway already runs, not URLSession: on Linux URLSession is
/// FoundationNetworking over libcurl, and linking it loads libcurl and some 27 libraries it needs (GnuTLS,
/// Kerberos, LDAP, …) into every hookcast process at start, 4.4 MiB of each one's resident memory, whether it
/// ever sends a request or not (bench/README.md, "Memory"). Each client is made on first use (a static `let`)
/// and lives as long as the process, so it is never shut down.
///
/// Neither retries a connection that fails: a report or a feed has its own schedule of attempts, and a refused
/// connection is reported at once rather than at the end of the timeout.
public enum OutboundHTTP {
    /// Follows no redirect: a delivery report's receiver that moved answers 3xx, which counts as not delivered,
    /// rather than the report going somewhere the admin never named.
    static let withoutRedirects = makeClient(redirects: .disallow)

    /// Follows up to five redirects, as a browser would fetch a feed that moved.
    public static let followingRedirects = makeClient(redirects: .follow(max: 5, allowCycles: false))

    private static func makeClient(redirects: HTTPClient.Configuration.RedirectConfiguration) -> HTTPClient {
        var configuration = HTTPClient.Configuration(redirectConfiguration: redirects)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
    }

    /// Why a request got no answer, in a few words for the admin API and the CLI: the error's kind, never its
    /// text, which can quote the URL (and a URL can carry a token).
    public static func reason(for error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout:
                return "no answer within the timeout"
            case .remoteConnectionClosed, .uncleanShutdown: return "connection lost"
            case .tlsHandshakeTimeout: return "TLS connection failed"
            case .redirectLimitReached, .redirectCycleDetected: return "too many redirects"
            case .invalidURL, .emptyHost, .emptyScheme: return "not a URL it can request"
            default: return "request failed"
            }
        }
        if let error = error as? NIOConnectionError {
            // The address was resolved and every connection to it failed, or it was not resolved at all.
            guard let first = error.connectionErrors.first else { return "host not found" }
            return reason(for: first.error)
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ECONNRESET, EPIPE: return "connection lost"
            case ETIMEDOUT: return "no answer within the timeout"
            case ENETUNREACH, EHOSTUNREACH: return "host unreachable"
            default: return "request failed (error \(error.errnoCode))"
            }
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return "TLS connection failed"
        }
        if error is NIOTooManyBytesError { return "the answer is too large" }
        if error is SocketAddressError { return "host not found" }
        if error is ChannelError { return "connection lost" }
        return "request failed"
    }
}
