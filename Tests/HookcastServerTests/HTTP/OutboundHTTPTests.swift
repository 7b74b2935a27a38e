import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import HookcastServer

/// What the gateway's outgoing requests (delivery reports, CAP feeds) say when they get no answer, and that a
/// delivery report follows no redirect, each against a loopback socket the test owns.
struct OutboundHTTPTests {
    @Test("a port that refuses the connection: \"connection refused\", at once")
    func refused() async throws {
        let socket = try BoundNotListening()
        defer { socket.close() }
        let sender = CallbackHTTPSender(timeout: .seconds(30))
        let began = ContinuousClock.now
        let outcome = await sender.post(url: try socket.url(), body: Data("{}".utf8), headers: [:])
        #expect(outcome == .noAnswer("connection refused"))
        // Not retried until the timeout: a report has its own schedule of attempts.
        #expect(ContinuousClock.now - began < .seconds(20))
    }

    @Test("a server that accepts and never answers: \"no answer within the timeout\"")
    func silent() async throws {
        let server = try await LoopbackServer.start(answer: nil)
        let fetcher = CAPFeedFetcher(timeout: 0.3)
        let outcome = await fetcher.fetch(try server.url())
        #expect(outcome == .noAnswer("no answer within the timeout"))
        try await server.stop()
    }

    @Test("a delivery report's receiver that answers 302 counts as answered 302: the redirect is not followed")
    func redirectNotFollowed() async throws {
        let server = try await LoopbackServer.start(
            answer: "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/elsewhere\r\nContent-Length: 0\r\n\r\n")
        let outcome = await CallbackHTTPSender(timeout: .seconds(10)).post(
            url: try server.url(), body: Data("{}".utf8), headers: ["webhook-id": "msg_1"])
        #expect(outcome == .answered(status: 302))
        #expect(server.requestsSeen() == 1)
        try await server.stop()
    }
}

/// A TCP socket bound to a loopback port but not listening: connections to it are refused, and no other test
/// can take the port while it is held.
private struct BoundNotListening {
    let descriptor: Int32
    let port: Int

    init() throws {
        descriptor = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let descriptor = self.descriptor
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            _ = Foundation.close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func url() throws -> URL { try #require(URL(string: "http://127.0.0.1:\(port)/report")) }
    func close() { _ = Foundation.close(descriptor) }
}

/// A loopback HTTP server that answers every request with the same bytes, or never answers (nil).
private final class LoopbackServer: Sendable {
    let channel: any Channel
    let counter: RequestCounter

    private init(channel: any Channel, counter: RequestCounter) {
        self.channel = channel
        self.counter = counter
    }

    static func start(answer: String?) async throws -> LoopbackServer {
        let counter = RequestCounter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(FixedAnswer(answer: answer, counter: counter))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return LoopbackServer(channel: channel, counter: counter)
    }

    func url() throws -> URL {
        try #require(URL(string: "http://127.0.0.1:\(channel.localAddress?.port ?? 0)/feed"))
    }

    func requestsSeen() -> Int { counter.count.withLock { $0 } }

    func stop() async throws { try await channel.close() }
}

private final class RequestCounter: Sendable {
    let count = Mutex(0)
}

/// Counts each read that ends a request head (a blank line) and answers it, or stays silent.
private final class FixedAnswer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let answer: String?
    let counter: RequestCounter

    init(answer: String?, counter: RequestCounter) {
        self.answer = answer
        self.counter = counter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard String(buffer: bytes).contains("\r\n\r\n") else { return }
        counter.count.withLock { $0 += 1 }
        guard let answer else { return }
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
    }
}
