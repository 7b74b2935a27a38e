import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A URLSession made on first use rather than when its owner is. On Linux the first URLSession starts libcurl,
/// which initialises OpenSSL (its configuration, every cipher and digest) and a thread of its own: a few MiB of
/// the gateway's memory (bench/README.md), which a gateway that never sends a delivery report or polls a CAP
/// feed does not need.
final class LazyURLSession: Sendable {
    private let make: @Sendable () -> URLSession
    private let made = Mutex<URLSession?>(nil)

    init(_ make: @escaping @Sendable () -> URLSession) {
        self.make = make
    }

    /// `URLSession.data(for:)` on the session, made now if this is the first call.
    func data(for request: URLRequest) async throws -> (Data, URLResponse) {
        try await session.data(for: request)
    }

    private var session: URLSession {
        if let session = made.withLock({ $0 }) { return session }
        // Made outside the lock (it runs libcurl's initialisation); of two callers that raced, the first to store
        // wins and the other's session is let go.
        let fresh = make()
        let (session, won) = made.withLock { stored -> (URLSession, Bool) in
            if let stored { return (stored, false) }
            stored = fresh
            return (fresh, true)
        }
        if !won { fresh.finishTasksAndInvalidate() }
        return session
    }
}
