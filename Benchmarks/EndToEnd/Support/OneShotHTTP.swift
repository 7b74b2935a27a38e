import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 request on a connection of its own, over SwiftNIO's event loop (which waits in epoll).
///
/// The harness used FoundationNetworking's URLSession before. While a long request was in flight (a 10,000-device
/// import answers after about 4 s) one of its threads woke every 12 µs, 80,000 times a second (`perf sched
/// timehist`), running about half of the time, at the raised priority of the stall probe's harness, on the two
/// cores the broker under test shares.
enum OneShotHTTP {
    struct Response {
        var status: Int
        var body: [UInt8]
    }

    static func send(
        method: HTTPMethod, host: String, port: Int, target: String, headers: [(String, String)], body: [UInt8]?,
        timeout: Duration
    ) async throws -> Response {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await withThrowingTaskGroup(of: Response?.self) { group in
            group.addTask {
                try await channel.executeThenClose { inbound, outbound in
                    var head = HTTPRequestHead(version: .http1_1, method: method, uri: target)
                    head.headers.add(name: "Host", value: "\(host):\(port)")
                    head.headers.add(name: "Connection", value: "close")
                    for (name, value) in headers { head.headers.add(name: name, value: value) }
                    head.headers.add(name: "Content-Length", value: String(body?.count ?? 0))
                    try await outbound.write(.head(head))
                    if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                    try await outbound.write(.end(nil))
                    var response = Response(status: 0, body: [])
                    for try await part in inbound {
                        switch part {
                        case .head(let head): response.status = Int(head.status.code)
                        case .body(let buffer): response.body += buffer.readableBytesView
                        case .end: return response
                        }
                    }
                    throw BenchHTTP.Failure(description: "\(method) \(target): the connection closed mid-answer")
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                channel.channel.close(promise: nil)
                throw BenchHTTP.Failure(description: "\(method) \(target): no answer within \(timeout)")
            }
            return response
        }
    }
}
