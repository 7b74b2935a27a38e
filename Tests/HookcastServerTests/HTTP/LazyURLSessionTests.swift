import Foundation
import Synchronization
import Testing

@testable import HookcastServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The gateway makes its URLSessions (and so starts libcurl and OpenSSL) only when a delivery report or a CAP
/// feed first needs one, and then keeps using that one.
struct LazyURLSessionTests {
    @Test func makesItsSessionOnFirstUseAndOnlyOnce() async throws {
        let made = Atomic<Int>(0)
        let lazy = LazyURLSession {
            made.add(1, ordering: .relaxed)
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = 5
            return URLSession(configuration: configuration)
        }
        #expect(made.load(ordering: .relaxed) == 0)

        let request = try Self.request()
        for _ in 0..<3 { _ = try? await lazy.data(for: request) }
        #expect(made.load(ordering: .relaxed) == 1)
    }

    @Test func concurrentFirstCallersEndUpOnOneSession() async throws {
        let made = Atomic<Int>(0)
        let lazy = LazyURLSession {
            made.add(1, ordering: .relaxed)
            return URLSession(configuration: .ephemeral)
        }
        let request = try Self.request()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { _ = try? await lazy.data(for: request) } }
        }
        let afterRace = made.load(ordering: .relaxed)
        #expect((1...8).contains(afterRace))
        // Whichever session won is the one kept: later calls make no other.
        _ = try? await lazy.data(for: request)
        #expect(made.load(ordering: .relaxed) == afterRace)
    }

    /// Nothing needs to answer it: whether it fails or not, it has to go through a session.
    private static func request() throws -> URLRequest {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:9/")))
        request.timeoutInterval = 5
        return request
    }
}
