/// One turn of `SQLiteDatabase`'s thread: a batch of jobs, the writing ones in one transaction, each in a
/// savepoint. Answers every caller once the transaction's outcome is known.
struct SQLiteBatch {
    private let jobs: [SQLiteJob]
    private let connection: SQLiteConnection
    private let writes: Bool
    private let durability: SQLiteDurability

    init(_ jobs: [SQLiteJob], on connection: SQLiteConnection) {
        self.jobs = jobs
        self.connection = connection
        writes = jobs.contains(where: \.writes)
        durability = jobs.contains { $0.kind == .write(.synced) } ? .synced : .unsynced
    }

    /// Returns whether it committed a transaction.
    @discardableResult
    func run() -> Bool {
        // Answers of jobs that succeeded, held until the commit; failed jobs are answered at once.
        var pending: [SQLiteJob.Answer] = []
        var inTransaction = false
        for job in jobs {
            if writes && !inTransaction {
                do {
                    try connection.setDurability(durability)
                    try connection.execute("BEGIN IMMEDIATE")
                    inTransaction = true
                } catch {
                    job.fail(StoreError.from(error, conflictMessage: nil))
                    continue
                }
            }
            guard job.writes else {
                let (succeeded, answer) = job.perform(connection)
                if succeeded { pending.append(answer) } else { answer(nil) }
                continue
            }
            do {
                try connection.execute("SAVEPOINT job")
            } catch {
                job.fail(StoreError.from(error, conflictMessage: nil))
                continue
            }
            let (succeeded, answer) = job.perform(connection)
            if succeeded {
                do {
                    try connection.execute("RELEASE job")
                    pending.append(answer)
                    continue
                } catch {
                    answer(StoreError.from(error, conflictMessage: nil))
                }
            } else {
                answer(nil)
            }
            if connection.isInTransaction {
                // Only this job's changes go; the batch's transaction goes on.
                try? connection.execute("ROLLBACK TO job")
                try? connection.execute("RELEASE job")
            } else {
                // SQLite rolled the whole transaction back by itself (a full disk, an I/O error): the earlier
                // jobs' changes went with it, so they fail too, and the rest start a new transaction.
                let lost = StoreError.unavailable("The database rolled back a transaction after an error.")
                for earlier in pending { earlier(lost) }
                pending = []
                inTransaction = false
            }
        }
        guard inTransaction else {
            for answer in pending { answer(nil) }
            return false
        }
        do {
            try connection.execute("COMMIT")
            for answer in pending { answer(nil) }
            return true
        } catch {
            if connection.isInTransaction { try? connection.execute("ROLLBACK") }
            let failure = StoreError.from(error, conflictMessage: nil)
            for answer in pending { answer(failure) }
            return false
        }
    }
}
