// STAND-IN, to be replaced by the real journal when the journal branch is merged (this whole file): the API of
// `AccountJournal` as agreed in the design of issue 16, kept in memory only, so the plugin builds and runs.
// Accounts do NOT survive a broker restart with this file.
import HookcastProtocol
import Synchronization

/// One change to the device accounts, as the journal records it.
public enum AccountChange: Sendable, Equatable {
    case put(BrokerDeviceAccount)
    case delete(DeviceID)
}

/// Stand-in: keeps the accounts in memory; `load` returns what was appended since `init`.
public final class AccountJournal: Sendable {
    private let accounts = Mutex<[DeviceID: BrokerDeviceAccount]>([:])

    public init(directory: String, log: @escaping @Sendable (String) -> Void) throws {
        log("account journal stand-in: accounts are kept in memory only and do not survive a restart")
    }

    public func load() throws -> [BrokerDeviceAccount] {
        accounts.withLock { Array($0.values) }
    }

    public func append(_ changes: [AccountChange]) throws {
        accounts.withLock { accounts in
            for change in changes {
                switch change {
                case .put(let account): accounts[account.id] = account
                case .delete(let id): accounts[id] = nil
                }
            }
        }
    }

    public var needsCompaction: Bool { false }

    public func compact(snapshot: @escaping @Sendable () -> [BrokerDeviceAccount]) {}

    public func close() {}
}
