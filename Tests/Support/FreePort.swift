import Foundation
import Synchronization

/// Loopback ports for test servers.
public enum FreePort {
    /// Every port this process has handed out. A test that stops its broker and starts it again on "its" port
    /// counts on nobody else taking the port meanwhile; a free port is exactly what `find()` looks for, so without
    /// this a test running beside it could be handed the same port and bind it first (a restarted broker then
    /// failed with "Address already in use", seen in CI). A port is never handed out twice in one test run.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port that binds now and was never handed out before in this process, below the kernel's range for
    /// outgoing connections' local ports: a port from that range can be taken by any connection a busy test run
    /// opens before the test's server binds it (scripts/lib's `free_port` chooses the same way). Falls back to one
    /// the kernel picks.
    public static func find() throws -> Int {
        let ephemeralStart =
            (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
            .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32768
        if ephemeralStart > 10_001 {
            for _ in 0..<200 {
                let port = Int.random(in: 10_000..<ephemeralStart)
                if claim(port), (try? bound(port: port)) != nil { return port }
            }
        }
        for _ in 0..<200 {
            let port = try bound(port: 0)
            if claim(port) { return port }
        }
        throw POSIXError(.EADDRINUSE)
    }

    /// Records `port` as handed out; false if it was already.
    private static func claim(_ port: Int) -> Bool {
        handedOut.withLock { $0.insert(port).inserted }
    }

    /// Binds 127.0.0.1:`port` (0: any), releases it and returns the port bound.
    private static func bound(port: Int) throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(socket) }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func isListening(port: Int) -> Bool {
        guard let socket = connect(port: port) else { return false }
        close(socket)
        return true
    }

    /// A TCP socket connected to 127.0.0.1:`port`, or nil when nothing accepts there.
    public static func connect(port: Int) -> Int32? {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { return nil }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            return nil
        }
        return socket
    }

    /// Returns once something accepts connections on `port`; sleeps between tries without holding a thread of the
    /// concurrency pool (on a 2-core runner it has two), and gives up early when `stillStarting` says the process
    /// that should listen has ended.
    public static func waitUntilListening(
        port: Int, timeout: Duration, stillStarting: () -> Bool = { true }
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if isListening(port: port) { return }
            guard stillStarting() else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestBrokerError.notListening(port: port)
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
