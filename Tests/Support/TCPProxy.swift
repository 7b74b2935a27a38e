import Foundation
import Synchronization

/// A loopback TCP relay between clients and a server, which a test can partition and heal: a network link the
/// test owns. While partitioned it stops reading in both directions, so bytes wait in the kernel as on a dead
/// link (nothing is dropped or reset); clients and server notice only through their own keepalive timeouts.
/// New connections are accepted meanwhile but carry nothing until the partition heals.
public final class TCPProxy: Sendable {
    public let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let state = Mutex(State())

    private struct State {
        var partitioned = false
        var closed = false
        var sockets: Set<Int32> = []
    }

    /// Listens on a free loopback port and relays each connection to `127.0.0.1:upstreamPort`.
    public init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        var reuse: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = FreePort.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(socket, 128) == 0 else {
            Foundation.close(socket)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        listener = socket
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit { close() }

    public var isPartitioned: Bool { state.withLock { $0.partitioned } }

    public func partition() { state.withLock { $0.partitioned = true } }

    public func heal() { state.withLock { $0.partitioned = false } }

    /// Drops the link: every relayed connection is shut down at once, so both ends see it close (as when a router
    /// between them restarts), and new connections carry nothing until `heal`.
    public func cut() {
        let sockets = state.withLock { state -> Set<Int32> in
            state.partitioned = true
            return state.sockets
        }
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    /// Stops listening and closes every relayed connection.
    public func close() {
        let sockets = state.withLock { state -> Set<Int32> in
            guard !state.closed else { return [] }
            state.closed = true
            defer { state.sockets.removeAll() }
            return state.sockets
        }
        shutdown(listener, Int32(SHUT_RDWR))
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private var isClosed: Bool { state.withLock { $0.closed } }

    private func acceptLoop() {
        defer { Foundation.close(listener) }
        while !isClosed {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let server = Self.connectUpstream(port: upstreamPort)
            guard server >= 0 else {
                Foundation.close(client)
                continue
            }
            let registered = state.withLock { state -> Bool in
                guard !state.closed else { return false }
                state.sockets.formUnion([client, server])
                return true
            }
            guard registered else {
                Foundation.close(client)
                Foundation.close(server)
                return
            }
            let pair = SocketPair(client: client, server: server)
            Thread.detachNewThread { [self] in relay(from: client, to: server, pair: pair) }
            Thread.detachNewThread { [self] in relay(from: server, to: client, pair: pair) }
        }
    }

    /// Copies bytes one way until either side closes, then shuts the pair down; the second relay to finish
    /// closes the descriptors.
    private func relay(from source: Int32, to destination: Int32, pair: SocketPair) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        loop: while !isClosed {
            if isPartitioned {
                usleep(20_000)
                continue
            }
            var poller = pollfd(fd: source, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 50)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            // Checked again: a partition that began while polling must not let these bytes through.
            if isPartitioned { continue }
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + sent, count - sent) }
                guard written > 0 else { break loop }
                sent += written
            }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(destination, Int32(SHUT_RDWR))
        if pair.finishOne() {
            state.withLock { $0.sockets.subtract([pair.client, pair.server]) }
            Foundation.close(pair.client)
            Foundation.close(pair.server)
        }
    }

    private static func connectUpstream(port: Int) -> Int32 {
        guard let socket = FreePort.connect(port: port) else { return -1 }
        var noDelay: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        return socket
    }
}

/// The two descriptors of one relayed connection; whichever relay direction ends last closes them.
private final class SocketPair: Sendable {
    let client: Int32
    let server: Int32
    private let finished = Mutex(0)

    init(client: Int32, server: Int32) {
        self.client = client
        self.server = server
    }

    /// True for the second caller.
    func finishOne() -> Bool {
        finished.withLock { count in
            count += 1
            return count == 2
        }
    }
}
