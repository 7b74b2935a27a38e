#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the journal could not do what it was asked. The messages name files and system errors, never an
/// account's credential.
public enum AccountJournalError: Error, Equatable, CustomStringConvertible {
    /// A system call failed: what was attempted, on which path, and `errno`.
    case system(operation: String, path: String, code: Int32)
    /// The newest snapshot did not read back whole. Snapshots become visible only after they were written and
    /// synced, so this is damage from outside, not a crash; the journal refuses to guess rather than load a
    /// partial set of accounts.
    case damagedSnapshot(path: String, reason: String)
    /// `state_dir` names something that is not a directory.
    case notADirectory(path: String)
    /// `append` after `close`.
    case closed

    public var description: String {
        switch self {
        case .system(let operation, let path, let code):
            "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        case .damagedSnapshot(let path, let reason):
            "the snapshot \(path) is damaged (\(reason)); move it aside, and the gateway's reconciliation "
                + "restores the accounts"
        case .notADirectory(let path):
            "\(path) is not a directory"
        case .closed:
            "the account journal is closed"
        }
    }
}
