import Foundation
import Synchronization

/// One gateway at a time per data directory. A second one would share the SQLite database but not the first's
/// memory (what is being published, who waits for which acknowledgement), and its writes would queue behind the
/// first's: it must refuse to start, saying who holds the directory. The lock is an `flock` on `hookcast.lock`,
/// which the kernel releases when its holder dies, so a crash never leaves a stale lock behind.
public final class DataDirectoryLock: Sendable {
    private let descriptor: Int32
    private let released = Atomic<Bool>(false)

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    public static func acquire(in directory: URL) throws -> DataDirectoryLock {
        let path = directory.appendingPathComponent("hookcast.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw DataDirectoryInUse(directory: directory.path, holder: holder.flatMap(Int32.init))
        }
        // The holder's pid, for the next one's error message.
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 { _ = pid.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } }
        return DataDirectoryLock(descriptor: descriptor)
    }

    /// Lets the next gateway in; closing the descriptor drops the lock.
    public func release() {
        if !released.exchange(true, ordering: .acquiringAndReleasing) { close(descriptor) }
    }

    deinit { release() }
}

public struct DataDirectoryInUse: Error, CustomStringConvertible {
    public let directory: String
    public let holder: Int32?

    public var description: String {
        let who = holder.map { "another hookcast serve (pid \($0))" } ?? "another hookcast serve"
        return "\(who) is using the data directory \(directory); stop it first, or give this one --data-dir of its own"
    }
}
