import Foundation

/// A child process started with posix_spawn and stopped by its pid. Foundation's `Process.waitUntilExit` spins
/// on Linux when called off the main thread, so tests use this instead.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: `pid` is set once in init; `exited` is only read and written under `lock`.
    public let pid: pid_t
    private let lock = NSLock()
    private var exited = false

    /// Runs `executable` with `arguments` in `directory`, appending stdout and stderr to `logFile`; `environment`
    /// is added to the test runner's own.
    public init(
        executable: String, arguments: [String], environment: [String: String] = [:], directory: URL, logFile: URL
    ) throws {
        // /bin/sh does the redirection and the change of directory, then execs: the pid is the program's own.
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value)) " }.joined()
        let command =
            "cd \(Self.quote(directory.path)) && \(assignments)exec \(Self.quote(executable)) "
            + arguments.map(Self.quote).joined(separator: " ") + " >> \(Self.quote(logFile.path)) 2>&1"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] =
            ["/bin/sh", "-c", command].map { (argument: String) in strdup(argument) } + [nil]
        defer { argv.forEach { free($0) } }
        // The test runner's threads block signals; without resetting the mask the child would ignore SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // Only stdin, stdout and stderr go to the child. Without this a child inherits every descriptor the test
        // runner holds at that instant that is not close-on-exec: a socket another test had just bound to probe a
        // port kept that port bound for the child's whole life, and a broker started there failed with "Address
        // already in use" (seen in CI).
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        _ = Self.addCloseFrom?(&actions, 3)
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EPERM) }
        self.pid = pid
    }

    /// SIGTERM, and the exit is reaped on a thread of its own: a deinit may run on a thread of the concurrency
    /// pool, which must not wait out a process's graceful stop. No other reference exists during deinit, so
    /// `exited` needs no lock here.
    deinit {
        guard !exited else { return }
        Self.reapInBackground(pid, signal: SIGTERM)
    }

    public var isRunning: Bool {
        lock.withLock {
            guard !exited else { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { exited = true }
            return !exited
        }
    }

    /// Waits for the process to end by itself; returns its exit status (128 + the signal if one ended it).
    public func waitForExit() -> Int32 {
        lock.withLock {
            guard !exited else { return -1 }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            exited = true
            // WIFEXITED and WEXITSTATUS are macros Swift cannot import.
            return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
    }

    /// Waits for the process to end by itself, as `waitForExit`, on a thread of its own: not on one of the
    /// concurrency pool's, which are as many as the cores and shared by every test running at the time.
    public func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: self.waitForExit()) }
        }
    }

    /// SIGTERM and wait for the exit.
    public func terminate() { signal(SIGTERM) }

    /// Sends `signal` (SIGTERM: a graceful stop), then waits for the exit without holding a thread of the
    /// concurrency pool: a gateway's or a fleet's graceful stop takes a while, and the pool has two threads on a
    /// 2-core runner.
    public func stop(with signal: Int32 = SIGTERM) async {
        let sent = lock.withLock { () -> Bool in
            guard !exited else { return false }
            Foundation.kill(pid, signal)
            return true
        }
        guard sent else { return }
        while isRunning {
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                // Cancelled: the exit is still waited for (the caller owns the process), blocking if need be.
                _ = waitForExit()
                return
            }
        }
    }

    /// For an owner's deinit: sends `process` `signal`, then waits for its exit and removes `item` (the process's
    /// files) on a thread of its own, so that the deinit neither blocks its thread nor removes the files while the
    /// process still runs. Without a process, `item` goes at once.
    public static func end(_ process: ChildProcess?, with signal: Int32 = SIGTERM, thenRemoving item: URL) {
        guard let process else {
            try? FileManager.default.removeItem(at: item)
            return
        }
        inBackground {
            process.signal(signal)
            try? FileManager.default.removeItem(at: item)
        }
    }

    /// SIGKILL and wait for the exit: a crash.
    public func kill() { signal(SIGKILL) }

    private func signal(_ signal: Int32) {
        lock.withLock {
            guard !exited else { return }
            Foundation.kill(pid, signal)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            exited = true
        }
    }

    private static func reapInBackground(_ pid: pid_t, signal: Int32) {
        Foundation.kill(pid, signal)
        inBackground {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
    }

    /// Waits for exits (and their cleanups) still running on threads of their own. The test process runs it as it
    /// exits, so that no child of a test's last deinit outlives the run, nor its files.
    private static let backgroundWaits: DispatchGroup = {
        atexit { _ = ChildProcess.backgroundWaits.wait(timeout: .now() + .seconds(60)) }
        return DispatchGroup()
    }()

    private static func inBackground(_ work: @escaping @Sendable () -> Void) {
        let waits = backgroundWaits
        waits.enter()
        Thread.detachNewThread {
            work()
            waits.leave()
        }
    }

    /// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not import; nil on
    /// an older C library, where only the descriptors test code marks close-on-exec stay out of children.
    private static let addCloseFrom:
        (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return nil }
            return unsafeBitCast(
                symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
