import Foundation
import Hummingbird

/// A Hummingbird server on 127.0.0.1, on a port the system picks, for the duration of `body`: what the tests run
/// as the world outside the gateway (a callback receiver, a CAP feed). `body` gets the port.
enum LoopbackHTTPServer {
    static func run<T: Sendable>(
        _ router: Router<BasicRequestContext>, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> T {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
            let result = try await body(port)
            group.cancelAll()
            return result
        }
    }
}
