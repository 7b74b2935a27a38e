import Foundation

/// A bare loopback TCP connection for tests that must misbehave below HTTP: send half a request, trickle bytes,
/// and see when the server hangs up.
public final class RawTCPConnection: @unchecked Sendable {
    // @unchecked Sendable: the descriptor is set once in init; a test uses one connection from one task.
    private let socket: Int32

    public init(port: Int) throws {
        guard let socket = FreePort.connect(port: port) else { throw POSIXError(.ECONNREFUSED) }
        self.socket = socket
    }

    deinit { close(socket) }

    /// Sends `text`; false once the server has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        send(bytes: Array(text.utf8))
    }

    @discardableResult
    public func send(bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Foundation.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Reads until the server closes the connection or `timeout` passes; returns what was read and whether it
    /// closed. Sleeps between polls instead of blocking: the server under test may share the test's threads.
    public func readUntilClosed(timeout: Duration) async -> (text: String, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 0) > 0 else {
                try? await Task.sleep(for: .milliseconds(2))
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }

    /// Reads until what was received contains `marker`, the server closes the connection or `timeout` passes;
    /// returns everything read so far (for a stream that does not end, such as server-sent events).
    public func readUntil(containing marker: String, timeout: Duration) async -> String {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            if String(decoding: received, as: UTF8.self).contains(marker) { break }
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 0) > 0 else {
                try? await Task.sleep(for: .milliseconds(2))
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// True when the server has closed the connection already (without waiting).
    public var isClosedByPeer: Bool {
        var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, Int32(MSG_PEEK)) <= 0
    }
}
