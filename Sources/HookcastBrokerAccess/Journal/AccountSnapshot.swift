import HookcastProtocol

/// What a compaction writes: every account, handed over a chunk at a time, so writing a snapshot never holds all
/// of them as `BrokerDeviceAccount` values (each with its credential as a 64-digit string) at once. At 100,000
/// accounts that whole array took about 15 MB on the journal's thread, and malloc kept much of it after it was
/// freed: the broker grew by up to 100 bytes an account more (bench/README.md).
public protocol AccountSnapshot: Sendable {
    var count: Int { get }
    /// Calls `body` with the accounts, at most `size` at a time, until it returns false.
    func forEachChunk(of size: Int, _ body: ([BrokerDeviceAccount]) -> Bool)
    /// The integration and observer accounts (a few hundred at most: written whole).
    var clients: [BrokerClientAccount] { get }
}

extension AccountSnapshot {
    public var clients: [BrokerClientAccount] { [] }
}

/// The plugin's device table and its client accounts.
struct PluginSnapshot: AccountSnapshot {
    var devices: DeviceAccountTable
    var clients: [BrokerClientAccount]

    var count: Int { devices.count }

    func forEachChunk(of size: Int, _ body: ([BrokerDeviceAccount]) -> Bool) {
        devices.forEachChunk(of: size, body)
    }
}

extension Array: AccountSnapshot where Element == BrokerDeviceAccount {
    public func forEachChunk(of size: Int, _ body: ([BrokerDeviceAccount]) -> Bool) {
        for start in stride(from: 0, to: count, by: Swift.max(size, 1)) {
            guard body(Array(self[start..<Swift.min(start + size, count)])) else { return }
        }
    }
}

extension DeviceAccountTable: AccountSnapshot {
    /// One chunk's array, reused: only `size` accounts exist as values at any moment.
    public func forEachChunk(of size: Int, _ body: ([BrokerDeviceAccount]) -> Bool) {
        var chunk: [BrokerDeviceAccount] = []
        chunk.reserveCapacity(size)
        var stopped = false
        forEachAccount { account in
            guard !stopped else { return }
            chunk.append(account)
            guard chunk.count == size else { return }
            stopped = !body(chunk)
            chunk.removeAll(keepingCapacity: true)
        }
        if !stopped && !chunk.isEmpty { _ = body(chunk) }
    }
}
