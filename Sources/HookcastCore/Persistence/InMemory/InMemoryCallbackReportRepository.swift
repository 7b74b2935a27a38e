import Foundation
import HookcastProtocol

struct InMemoryCallbackReportRepository: CallbackReportRepository {
    let database: InMemoryDatabase

    func insert(_ report: CallbackReport) async throws {
        try database.access { state in
            guard state.callbackReports[report.id] == nil else {
                throw StoreError.conflict("callback report '\(report.id.lowercasedString)' already exists")
            }
            state.callbackReports[report.id] = report
        }
    }

    func find(id: UUID) async throws -> CallbackReport? {
        try database.access { $0.callbackReports[id] }
    }

    func page(before: UUID?, state wanted: CallbackReport.State?, limit: Int) async throws -> [CallbackReport] {
        try database.access { state in
            // The lower-case text order, as SQLite compares the column; PostgreSQL's uuid order is the same.
            let cursor = before?.lowercasedString
            let matching = state.callbackReports.values.filter { report in
                (wanted == nil || report.state == wanted) && cursor.map { report.id.lowercasedString < $0 } ?? true
            }
            return Array(matching.sorted { $0.id.lowercasedString > $1.id.lowercasedString }.prefix(max(limit, 0)))
        }
    }

    func find(commandID: UUID) async throws -> [CallbackReport] {
        try database.access { state in
            state.callbackReports.values.filter { $0.commandIDs.contains(commandID) }
                .sorted { $0.id.lowercasedString > $1.id.lowercasedString }
        }
    }

    func waiting(limit: Int) async throws -> [CallbackReport] {
        try database.access { state in
            Array(
                state.callbackReports.values.filter { $0.state == .waiting }
                    .sorted { $0.id.lowercasedString < $1.id.lowercasedString }.prefix(max(limit, 0)))
        }
    }

    func complete(id: UUID, payload: Data, webhookID: String, at date: Date) async throws -> Bool {
        try database.access { state in
            guard var report = state.callbackReports[id], report.state == .waiting else { return false }
            report.state = .sending
            report.payload = payload
            report.webhookID = webhookID
            report.completedAt = date.roundedToMilliseconds
            report.nextAttemptAt = date.roundedToMilliseconds
            state.callbackReports[id] = report
            return true
        }
    }

    func due(at date: Date, limit: Int) async throws -> [CallbackReport] {
        try database.access { state in
            Array(
                state.callbackReports.values.filter { report in
                    report.state == .sending && report.nextAttemptAt.map { $0 <= date } ?? false
                }
                .sorted {
                    ($0.nextAttemptAt ?? date, $0.id.lowercasedString) < (
                        $1.nextAttemptAt ?? date, $1.id.lowercasedString
                    )
                }
                .prefix(max(limit, 0)))
        }
    }

    func nextAttempt() async throws -> Date? {
        try database.access { state in
            state.callbackReports.values.filter { $0.state == .sending }.compactMap(\.nextAttemptAt).min()
        }
    }

    func claim(id: UUID, expected: Date, until: Date) async throws -> Bool {
        try database.access { state in
            guard var report = state.callbackReports[id], report.state == .sending,
                report.nextAttemptAt == expected.roundedToMilliseconds
            else { return false }
            report.nextAttemptAt = until.roundedToMilliseconds
            state.callbackReports[id] = report
            return true
        }
    }

    func record(id: UUID, attempt: CallbackAttempt) async throws {
        try database.access { state in
            guard var report = state.callbackReports[id] else {
                throw StoreError.notFound("callback report '\(id.lowercasedString)' does not exist")
            }
            report.attempts += 1
            report.lastStatus = attempt.status
            report.lastError = attempt.error
            report.state = attempt.state
            report.nextAttemptAt = attempt.state == .sending ? attempt.nextAttemptAt : nil
            if attempt.state == .delivered { report.deliveredAt = attempt.at }
            state.callbackReports[id] = report
        }
    }

    func retry(id: UUID, at date: Date) async throws -> CallbackReport? {
        try database.access { state in
            guard var report = state.callbackReports[id] else { return nil }
            guard report.state == .failed, report.payload != nil else { return report }
            report.state = .sending
            report.attempts = 0
            report.nextAttemptAt = date.roundedToMilliseconds
            state.callbackReports[id] = report
            return report
        }
    }
}
