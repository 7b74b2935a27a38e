import NIOCore
import NIOHTTP1

/// One keep-alive connection of a `LoadRun`, with at most one request in flight.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private unowned let run: LoadRun
    private var context: ChannelHandlerContext?
    private var inFlight: Int?
    private var status: UInt16 = 0

    init(run: LoadRun) {
        self.run = run
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func send(sequence: Int, head: HTTPRequestHead, body: [UInt8]) {
        guard let context else { return }
        inFlight = sequence
        var head = head
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func close() {
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = UInt16(clamping: head.status.code)
        case .body:
            break
        case .end:
            guard let sequence = inFlight else { return }
            inFlight = nil
            run.answered(sequence, status: status, by: self)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let sequence = inFlight
        inFlight = nil
        self.context = nil
        run.lost(self, inFlight: sequence)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
