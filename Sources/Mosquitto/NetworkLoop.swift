import CMosquitto
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The client's network thread, in place of libmosquitto's `mosquitto_loop_start`. libmosquitto 2.0's own loop
/// waits with `select()`, which cannot watch a descriptor numbered 1024 or above: in a process with that many open
/// files (a gateway under load, a test run) a new connection's socket was never read, and the client hung until its
/// connect timed out. This loop waits with `poll()`, which has no such limit, and otherwise does what
/// `mosquitto_loop_forever` does: read, write, keepalive, and after a lost connection reconnect with the configured
/// backoff; it ends where that one ends (the broker's DISCONNECT, a fatal error, `stop()`).
///
/// `@unchecked Sendable` is safe because: `mosq` is used from other threads only through libmosquitto's
/// thread-safe calls (the client is switched to threaded mode before the loop starts), the pipe's descriptors are
/// immutable, the flags are atomics, and `thread` is set and cleared only by `start()` and `stop()`, which the
/// handle calls from its serial blocking queue.
final class NetworkLoop: @unchecked Sendable {
    private let mosq: OpaquePointer
    private let reconnectDelay: ClosedRange<UInt32>
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let stopFlag = Atomic<Bool>(false)
    private let endFlag = Atomic<Bool>(false)
    private var thread: pthread_t?

    private var stopRequested: Bool { stopFlag.load(ordering: .acquiring) }
    private var endRequested: Bool { endFlag.load(ordering: .acquiring) }

    init(mosq: OpaquePointer, reconnectDelay: ClosedRange<UInt32>) throws(MQTTError) {
        self.mosq = mosq
        self.reconnectDelay = reconnectDelay
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw .library(
                code: MOSQ_ERR_ERRNO.rawValue, message: MosquittoLibrary.errorMessage(MOSQ_ERR_ERRNO.rawValue))
        }
        wakeRead = descriptors[0]
        wakeWrite = descriptors[1]
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    /// Starts the thread; the connection must have been opened (`mosquitto_connect*`) already.
    func start() -> Int32 {
        let box = Unmanaged.passRetained(self)
        var created = pthread_t()
        let code = pthread_create(
            &created, nil,
            { argument in
                guard let argument else { return nil }
                let loop = Unmanaged<NetworkLoop>.fromOpaque(argument).takeRetainedValue()
                loop.run()
                return nil
            }, box.toOpaque())
        guard code == 0 else {
            box.release()
            return MOSQ_ERR_ERRNO.rawValue
        }
        thread = created
        return MOSQ_ERR_SUCCESS.rawValue
    }

    /// Wakes the loop: a packet was queued from another thread and may need writing.
    func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Asks the loop to end after writing what is queued (a DISCONNECT, say) and waits for its thread.
    func stop() {
        stopFlag.store(true, ordering: .releasing)
        wake()
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    /// The broker sent DISCONNECT: end, as `mosquitto_loop_forever` does, instead of reconnecting.
    func endAfterServerDisconnect() {
        endFlag.store(true, ordering: .releasing)
        wake()
    }

    private func run() {
        var reconnects: UInt32 = 0
        outer: while true {
            var code = iterate()
            if stopRequested || endRequested { break }
            if code == MOSQ_ERR_SUCCESS.rawValue {
                reconnects = 0
                continue
            }
            if Self.isFatal(code) { break }
            // Lost: reconnect after the backoff, as libmosquitto does (delay × (n+1)², capped).
            repeat {
                let base = UInt64(reconnectDelay.lowerBound)
                let delay = min(
                    base * UInt64(reconnects + 1) * UInt64(reconnects + 1), UInt64(reconnectDelay.upperBound))
                if delay < reconnectDelay.upperBound { reconnects += 1 }
                sleep(milliseconds: Int32(delay * 1000))
                if stopRequested || endRequested { break outer }
                code = mosquitto_reconnect(mosq)
            } while code != MOSQ_ERR_SUCCESS.rawValue
        }
    }

    /// One wait and whatever it found to do; returns libmosquitto's code.
    private func iterate() -> Int32 {
        let socket = mosquitto_socket(mosq)
        guard socket >= 0 else { return MOSQ_ERR_NO_CONN.rawValue }
        var descriptors = [
            pollfd(fd: socket, events: Int16(POLLIN) | (mosquitto_want_write(mosq) ? Int16(POLLOUT) : 0), revents: 0),
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&descriptors, 2, 1000)
        if ready < 0 && errno != EINTR { return MOSQ_ERR_ERRNO.rawValue }
        if descriptors[1].revents != 0 { drainWake() }
        // Writing what is queued is the last thing a stopping loop does; the DISCONNECT is among it.
        if stopRequested {
            flushBeforeStopping()
            return MOSQ_ERR_SUCCESS.rawValue
        }
        if descriptors[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            let code = mosquitto_loop_read(mosq, 1)
            if code != MOSQ_ERR_SUCCESS.rawValue { return code }
        }
        if mosquitto_socket(mosq) >= 0, mosquitto_want_write(mosq) {
            let code = mosquitto_loop_write(mosq, 1)
            if code != MOSQ_ERR_SUCCESS.rawValue { return code }
        }
        return mosquitto_loop_misc(mosq)
    }

    /// Writes until nothing is queued (the DISCONNECT last; libmosquitto closes the socket once it is out), for at
    /// most a second: a DISCONNECT left half-written would leave the broker routing commands to a connection
    /// nobody reads until its keepalive runs out.
    private func flushBeforeStopping() {
        let started = DispatchTime.now()
        while mosquitto_socket(mosq) >= 0, mosquitto_want_write(mosq),
            DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds < 1_000_000_000
        {
            if mosquitto_loop_write(mosq, 1) != MOSQ_ERR_SUCCESS.rawValue { return }
            guard mosquitto_socket(mosq) >= 0, mosquitto_want_write(mosq) else { return }
            var descriptor = pollfd(fd: mosquitto_socket(mosq), events: Int16(POLLOUT), revents: 0)
            _ = poll(&descriptor, 1, 50)
        }
    }

    /// Waits, or until `stop()` / `endAfterServerDisconnect()` wake it.
    private func sleep(milliseconds: Int32) {
        var descriptor = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        var remaining = milliseconds
        let started = DispatchTime.now()
        while remaining > 0, !stopRequested, !endRequested {
            if poll(&descriptor, 1, remaining) > 0 { drainWake() }
            let elapsed = Int32((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
            remaining = milliseconds - elapsed
        }
    }

    private func drainWake() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }

    /// The codes after which `mosquitto_loop_forever` gives up rather than reconnecting.
    private static func isFatal(_ code: Int32) -> Bool {
        [
            MOSQ_ERR_NOMEM, MOSQ_ERR_PROTOCOL, MOSQ_ERR_INVAL, MOSQ_ERR_NOT_FOUND, MOSQ_ERR_TLS,
            MOSQ_ERR_PAYLOAD_SIZE, MOSQ_ERR_NOT_SUPPORTED, MOSQ_ERR_AUTH, MOSQ_ERR_ACL_DENIED, MOSQ_ERR_UNKNOWN,
            MOSQ_ERR_EAI, MOSQ_ERR_PROXY,
        ].contains { $0.rawValue == code }
    }
}
