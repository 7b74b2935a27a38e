import HookcastProtocol

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a snapshot the way a crash at any moment leaves readable: into `snapshot-<n>.tmp`, synced, renamed to
/// `snapshot-<n>`, the directory synced; only then are the segments and snapshots it replaces deleted.
enum JournalSnapshotWriter {
    /// Accounts per record: about 11 KB, so writing and reading never hold a whole snapshot's JSON at once, and
    /// making one record is a few tenths of a millisecond of work between pauses.
    static let accountsPerRecord = 100
    /// Slept after each record. The journal's thread belongs to the broker's process, and where that process has
    /// one core (a broker pinned to a core of its own) a woken broker thread waits for the journal's thread to
    /// finish its scheduler slice, about 4 ms here, unless that thread sleeps first: a compaction of 10,000
    /// accounts is 30 ms of work. Pausing bounds the wait by one record's work; the snapshot takes 100 pauses
    /// longer per 10,000 accounts, which nobody waits for.
    static let pauseMicroseconds: UInt32 = 200

    /// The snapshot's size in bytes.
    static func write(
        _ accounts: any AccountSnapshot, covering sequence: UInt64, in directory: JournalDirectory
    ) throws(AccountJournalError) -> Int {
        let temporary = directory.temporarySnapshot(sequence)
        let descriptor = try JournalFile.create(temporary)
        var size = 0
        do throws(AccountJournalError) {
            var failure: AccountJournalError?
            var written = 0
            accounts.forEachChunk(of: accountsPerRecord) { chunk in
                do throws(AccountJournalError) {
                    size += try write(.accounts(chunk), to: descriptor, path: temporary)
                    written += chunk.count
                    usleep(pauseMicroseconds)
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
            if let failure { throw failure }
            let clients = accounts.clients
            if !clients.isEmpty { size += try write(.clients(clients), to: descriptor, path: temporary) }
            size += try write(.end(count: written), to: descriptor, path: temporary)
            try JournalFile.sync(descriptor, path: temporary)
        } catch {
            JournalFile.closeFile(descriptor)
            try? JournalFile.remove(temporary)
            throw error
        }
        JournalFile.closeFile(descriptor)
        try JournalFile.renameFile(temporary, to: directory.snapshot(sequence))
        try JournalFile.syncDirectory(directory.path)
        return size
    }

    /// Deletes what the snapshot `sequence` covers. What is left (an error) only wastes space: start-up ignores
    /// and removes it.
    static func removeCovered(by sequence: UInt64, in directory: JournalDirectory) throws(AccountJournalError) {
        let listing = try directory.list()
        for segment in listing.segments where segment < sequence { try JournalFile.remove(directory.segment(segment)) }
        for snapshot in listing.snapshots where snapshot < sequence {
            try JournalFile.remove(directory.snapshot(snapshot))
        }
    }

    private static func write(
        _ payload: JournalPayload, to descriptor: Int32, path: String
    ) throws(AccountJournalError) -> Int {
        let record = JournalRecord.frame(payload.encoded())
        try JournalFile.writeAll(descriptor, record, path: path)
        return record.count
    }
}
