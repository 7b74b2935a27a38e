import HookcastProtocol

/// Start-up: the newest snapshot, then every segment it does not cover, in order. A segment's records are read up
/// to the first that is not whole (a crash in the middle of its write) and the rest of that segment is skipped
/// with a log line; every segment after it was started by a later run, so it is read as usual. The leftovers of a
/// compaction cut short are removed afterwards.
enum JournalLoader {
    static func load(
        _ directory: JournalDirectory, log: @Sendable (String) -> Void
    ) throws(AccountJournalError) -> [BrokerDeviceAccount] {
        let listing = try directory.list()
        var accounts: [DeviceID: BrokerDeviceAccount] = [:]
        if let covers = listing.newestSnapshot {
            for account in try readSnapshot(directory.snapshot(covers)) { accounts[account.id] = account }
        }
        for sequence in listing.liveSegments {
            let path = directory.segment(sequence)
            for change in try readSegment(path, log: log) {
                switch change {
                case .put(let account): accounts[account.id] = account
                case .delete(let id): accounts[id] = nil
                }
            }
        }
        removeLeftovers(of: listing, in: directory, log: log)
        return accounts.values.sorted { $0.id < $1.id }
    }

    static func readSnapshot(_ path: String) throws(AccountJournalError) -> [BrokerDeviceAccount] {
        let bytes = try JournalFile.readAll(path)
        let scan = JournalRecord.scan(bytes)
        guard scan.readableLength == bytes.count else {
            throw .damagedSnapshot(path: path, reason: "no whole record at byte \(scan.readableLength)")
        }
        var accounts: [BrokerDeviceAccount] = []
        for (index, record) in scan.records.enumerated() {
            switch try? JournalPayload.decode(record.payload) {
            case .accounts(let chunk)?:
                accounts.append(contentsOf: chunk)
            case .end(let count)? where index == scan.records.count - 1:
                guard count == accounts.count else {
                    throw .damagedSnapshot(path: path, reason: "\(accounts.count) accounts where \(count) were written")
                }
                return accounts
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
