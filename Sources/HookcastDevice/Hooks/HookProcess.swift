import Foundation
import Synchronization

/// One run of a hook executable: spawned with posix_spawn, awaited on a dedicated thread (never on the Swift
/// concurrency pool, and not with Foundation's `waitUntilExit`, which spins on Linux off the main thread), killed
/// with its whole process group when it overstays its timeout.
enum HookProcess {
    enum Termination: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        /// Killed because its `HookStop` was requested.
        case stopped
    }

    struct Result {
        var termination: Termination
        /// The end of what the hook wrote to stderr.
        var stderr: [UInt8]
    }

    /// How much of stderr is read back; the acknowledgement keeps only its last characters anyway.
    static let stderrReadLimit: UInt64 = 4096

    static func run(
        executable: URL,
        input: [UInt8],
        environment: [String: String],
        timeout: Duration,
        stop: HookStop? = nil
    ) async throws -> Result {
        // stdin and stderr are files, not pipes: a hook that never reads its input cannot block the agent on a
        // full pipe, and there is no SIGPIPE when it exits early.
        let scratch = try HookScratch.make()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdinFile = scratch.appendingPathComponent("stdin")
        let stderrFile = scratch.appendingPathComponent("stderr")
        try Data(input).write(to: stdinFile)

        let pid = try await spawnRetryingBusy(
            executable: executable, stdin: stdinFile, stderr: stderrFile, environment: environment)
        let watch = ExitWatch(pid: pid)
        stop?.attach(watch)
        let timer = Task {
            try await Task.sleep(for: timeout)
            watch.killOnTimeout()
        }
        let status = await watch.waitForExit()
        timer.cancel()
        let termination: Termination
        if watch.timedOut {
            termination = .timedOut
        } else if watch.stopped {
            termination = .stopped
        } else if status & 0x7f == 0 {
            termination = .exited((status >> 8) & 0xff)
        } else {
            termination = .signalled(status & 0x7f)
        }
        return Result(termination: termination, stderr: readTail(of: stderrFile))
    }

    /// `ETXTBSY` means some process holds the executable open for writing: often only a moment, as when another
    /// thread forks while the file is being written (the child holds a copy of the descriptor until it execs), or
    /// an operator replaces the hook. A few short retries ride that out.
    private static func spawnRetryingBusy(
        executable: URL,
        stdin: URL,
        stderr: URL,
        environment: [String: String]
    ) async throws -> pid_t {
        var attempt = 1
        while true {
            do {
                return try spawn(executable: executable, stdin: stdin, stderr: stderr, environment: environment)
            } catch let error as POSIXError where error.code == .ETXTBSY && attempt < 10 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    private static func spawn(
        executable: URL,
        stdin: URL,
        stderr: URL,
        environment: [String: String]
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin.path, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // The agent's other descriptors (the broker connection among them) are none of the hook's business.
        _ = closeFrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner's (and the agent's signal-handling) threads block signals; a child inherits the mask
        // and would otherwise ignore SIGTERM from whoever manages it.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        // Its own process group, so a timeout kills whatever the hook started too (a shell script's `sleep`).
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable.path), nil]
        let envp: [UnsafeMutablePointer<CChar>?] =
            environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard code == 0 else { throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EPERM) }
        return pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc 2.34+ has `posix_spawn_file_actions_addclosefrom_np`, but its header hides it from Swift; looked up
    /// at run time, and skipped on an older libc (the descriptors then leak into the hook, as with `Process`).
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    private static func readTail(of file: URL) -> [UInt8] {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return [] }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: end > stderrReadLimit ? end - stderrReadLimit : 0)
        return Array((try? handle.readToEnd()) ?? Data())
    }
}

/// Waits for one child and kills it on request, without ever signalling a pid that may have been reused: the
/// waiting thread first waits with `WNOWAIT` (the child stays a zombie, its pid reserved), marks it exited under
/// the lock, and only then reaps it; a kill checks the mark under the same lock.
final class ExitWatch: Sendable {
    private struct State {
        var exited = false
        var timedOut = false
        var stopped = false
    }

    let pid: pid_t
    private let state = Mutex(State())

    init(pid: pid_t) {
        self.pid = pid
    }

    var timedOut: Bool { state.withLock { $0.timedOut } }
    var stopped: Bool { state.withLock { $0.stopped } }

    func killOnTimeout() {
        state.withLock { state in
            guard !state.exited, !state.stopped else { return }
            state.timedOut = true
            // The negative pid signals the process group the hook leads.
            kill(-pid, SIGKILL)
        }
    }

    func killOnStop() {
        state.withLock { state in
            guard !state.exited, !state.timedOut else { return }
            state.stopped = true
            kill(-pid, SIGKILL)
        }
    }

    /// The raw wait status.
    func waitForExit() async -> Int32 {
        let pid = self.pid
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let thread = Thread { [self] in
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
                state.withLock { $0.exited = true }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
            thread.name = "hookcast.hook-wait"
            thread.start()
        }
    }
}
