import Foundation
import HookcastProtocol
import Testing

@testable import HookcastBrokerAccess

@Suite("Client accounts in the journal")
struct ClientJournalTests {
    @Test("client puts and deletes load again after a restart, beside the device accounts")
    func roundTrip() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        try journal.append([
            .put(JournalFixtures.account(1)), .putClient(Fixtures.integration("erp")),
            .putClient(Fixtures.observer("ops", groups: ["lobby"], commands: true)),
            .putClient(Fixtures.observer("fleet")),
        ])
        try journal.append([
            .deleteClient("integration.erp"), .putClient(Fixtures.observer("empty", groups: [])),
        ])
        journal.close()
        let reopened = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { reopened.close() }
        let contents = try reopened.loadContents()
        #expect(contents.devices == [JournalFixtures.account(1)])
        #expect(
            contents.clients == [
                Fixtures.observer("empty", groups: []), Fixtures.observer("fleet"),
                Fixtures.observer("ops", groups: ["lobby"], commands: true),
            ])
    }

    @Test("a snapshot keeps the client accounts, and a plugin restarted from it decides as before")
    func snapshotRestart() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        var state = ClientAccountTests.state()
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        let (_, outcome) = state.send(
            .putClients([Fixtures.integration("crm")]), .removeGroup(try GroupID("lobby")))
        try journal.append(outcome.changes)
        journal.compact(snapshot: state.snapshot)
        journal.close()
        #expect(try directory.names().contains(JournalFixtures.snapshotName(2)))

        let reopened = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { reopened.close() }
        let contents = try reopened.loadContents()
        var restarted = Fixtures.state()
        #expect(restarted.load(contents.devices) == 0)
        #expect(restarted.loadClients(contents.clients) == 0)
        #expect(restarted.clientAccounts.accounts() == state.clientAccounts.accounts())
        #expect(restarted.clientAccounts.count == 4)
        for (username, password) in [("integration.crm", "crm-password"), ("observer.ops", "ops-password")] {
            #expect(restarted.authenticate(username: username, password: password, clientID: username) == .allow)
        }
        #expect(
            restarted.authorize(username: "observer.lobbywatch", access: .receive, topic: "hookcast/v1/devices/d1/acks")
                == .deny)
    }

    @Test("a journal written before client accounts loads with none")
    func oldJournal() throws {
        let directory = try TemporaryJournalDirectory()
        defer { directory.remove() }
        // Byte for byte what a plugin without client accounts wrote.
        let payload = Array(
            #"{"changes":[{"put":{"id":"d1","credential":"\#(Fixtures.credential("p"))","groups":["g"]}}]}"#.utf8)
        try directory.write(JournalFixtures.segmentName(1), JournalRecord.frame(payload))
        let journal = try AccountJournal(directory: directory.journal, log: { _ in })
        defer { journal.close() }
        let contents = try journal.loadContents()
        #expect(contents.devices.map(\.id.rawValue) == ["d1"])
        #expect(contents.clients.isEmpty)
    }
}
