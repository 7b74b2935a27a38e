import HookcastProtocol

/// Start-up: the newest snapshot, then every segment it does not cover, in order. A segment's records are read up
/// to the first that is not whole (a crash in the middle of its write) and the rest of that segment is skipped
/// with a log line; every segment after it was started by a later run, so it is read as usual. The leftovers of a
/// compaction cut short are removed afterwards.
enum JournalLoader {
    static func load(
        _ directory: JournalDirectory, log: @Sendable (String) -> Void
    ) throws(AccountJournalError) -> JournalContents {
        let listing = try directory.list()
        var accounts: [DeviceID: BrokerDeviceAccount] = [:]
        var clients: [String: BrokerClientAccount] = [:]
        if let covers = listing.newestSnapshot {
            let snapshot = try readSnapshot(directory.snapshot(covers))
            for account in snapshot.devices { accounts[account.id] = account }
            for client in snapshot.clients { clients[client.username] = client }
        }
        for sequence in listing.liveSegments {
            let path = directory.segment(sequence)
            for change in try readSegment(path, log: log) {
                switch change {
                case .put(let account): accounts[account.id] = account
                case .delete(let id): accounts[id] = nil
                case .putClient(let client): clients[client.username] = client
                case .deleteClient(let username): clients[username] = nil
                }
            }
        }
        removeLeftovers(of: listing, in: directory, log: log)
        return JournalContents(
            devices: accounts.values.sorted { $0.id < $1.id },
            clients: clients.values.sorted { $0.username < $1.username })
    }

    static func readSnapshot(_ path: String) throws(AccountJournalError) -> JournalContents {
        let bytes = try JournalFile.readAll(path)
        let scan = JournalRecord.scan(bytes)
        guard scan.readableLength == bytes.count else {
            throw .damagedSnapshot(path: path, reason: "no whole record at byte \(scan.readableLength)")
        }
        var accounts: [BrokerDeviceAccount] = []
        var clients: [BrokerClientAccount] = []
        for (index, record) in scan.records.enumerated() {
            switch try? JournalPayload.decode(record.payload) {
            case .accounts(let chunk)?:
                accounts.append(contentsOf: chunk)
            case .clients(let chunk)?:
                clients.append(contentsOf: chunk)
            case .end(let count)? where index == scan.records.count - 1:
                guard count == accounts.count else {
                    throw .damagedSnapshot(path: path, reason: "\(accounts.count) accounts where \(count) were written")
                }
                return JournalContents(devices: accounts, clients: clients)
            default:
                throw .damagedSnapshot(path: path, reason: "an unreadable record at byte \(record.offset)")
            }
        }
        throw .damagedSnapshot(path: path, reason: "it does not end with its account count")
    }

    static func readSegment(_ path: String, log: @Sendable (String) -> Void) throws(AccountJournalError)
        -> [AccountChange]
    {
        let bytes = try JournalFile.readAll(path)
        let scan = JournalRecord.scan(bytes)
        var changes: [AccountChange] = []
        var readableLength = scan.readableLength
        for record in scan.records {
            guard case .changes(let batch)? = try? JournalPayload.decode(record.payload) else {
                readableLength = record.offset
                break
            }
            changes.append(contentsOf: batch)
        }
        if readableLength < bytes.count {
            log(
                "account journal: ignored the last \(bytes.count - readableLength) bytes of \(path) from byte "
                    + "\(readableLength): a record cut short by a crash or damaged")
        }
        return changes
    }

    /// Files a finished compaction deletes: unfinished snapshots, and what the newest snapshot covers. Failing to
    /// remove one only wastes space, so it is logged, not thrown.
    private static func removeLeftovers(
        of listing: JournalDirectory.Listing, in directory: JournalDirectory, log: @Sendable (String) -> Void
    ) {
        let paths =
            listing.temporaries.map(directory.file) + listing.coveredSegments.map(directory.segment)
            + listing.olderSnapshots.map(directory.snapshot)
        for path in paths {
            do {
                try JournalFile.remove(path)
                log("account journal: removed \(path), left by a compaction cut short")
            } catch {
                log("account journal: \(error)")
            }
        }
    }
}

/// What a journal holds: the device accounts sorted by id, the client accounts sorted by user name.
public struct JournalContents: Sendable, Equatable {
    public var devices: [BrokerDeviceAccount]
    public var clients: [BrokerClientAccount]
}
