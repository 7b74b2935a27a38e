import Foundation
import HookcastProtocol

/// Which devices the commands that acknowledgements arrive for expect, read once per broadcast
/// (`ExpectedDeviceListCache`). Checking each batch of a broadcast's acknowledgements in SQL
/// (`json_each(expected_devices)`) parsed the whole list, 140 KB for 10,000 devices, once per batch.
final class SQLiteExpectedDevices: Sendable {
    private let cache = ExpectedDeviceListCache()

    /// What a batch of acknowledgements needs to know of its commands: the devices each stored one expects.
    struct Reading {
        var expectedDevices: [UUID: Set<String>] = [:]

        /// The batch by what its commands expect, in order, in one pass: a broadcast's acknowledgements share
        /// their command, so the command's list is looked up again only when the command changes, and each
        /// acknowledgement costs one lookup of its device id.
        func sorted(_ acknowledgements: [AcknowledgementRecord]) -> SortedAcknowledgements {
            var sorted = SortedAcknowledgements()
            var current: (commandID: UUID, devices: Set<String>?)?
            for acknowledgement in acknowledgements {
                let devices: Set<String>?
                if let current, current.commandID == acknowledgement.commandID {
                    devices = current.devices
                } else {
                    devices = expectedDevices[acknowledgement.commandID]
                    current = (acknowledgement.commandID, devices)
                }
                guard let devices else {
                    sorted.unknownCommand.append(acknowledgement)
                    continue
                }
                guard devices.contains(acknowledgement.deviceID.rawValue) else {
                    sorted.notExpected.append(acknowledgement)
                    continue
                }
                sorted.recorded.append(acknowledgement)
                if devices.count == 1 { sorted.settledCommands.insert(acknowledgement.commandID) }
            }
            return sorted
        }
    }

    struct SortedAcknowledgements {
        /// From a device their command expects: stored.
        var recorded: [AcknowledgementRecord] = []
        /// For a stored command, from a device it does not expect: counted on the command.
        var notExpected: [AcknowledgementRecord] = []
        /// For a command that is not stored.
        var unknownCommand: [AcknowledgementRecord] = []
        /// Commands for one device that its answer settles.
        var settledCommands: Set<UUID> = []
    }

    /// Reads each command of `acknowledgements` once: its expected devices where they are not kept, only its
    /// existence where they are; a command that is not stored has no entry. On the store's thread, inside the
    /// batch's transaction.
    func read(for acknowledgements: [AcknowledgementRecord], _ connection: SQLiteConnection) throws -> Reading {
        // A broadcast's acknowledgements come in runs of one command: each run is hashed once.
        var commandIDs = Set<UUID>()
        var previous: UUID?
        for acknowledgement in acknowledgements where acknowledgement.commandID != previous {
            commandIDs.insert(acknowledgement.commandID)
            previous = acknowledgement.commandID
        }
        let lists = cache.lists(for: commandIDs)
        var reading = Reading()
        // A kept list does not prove that its command is still stored: those commands are looked up by id.
        for chunk in Array(lists.keys).statementChunks {
            for row in try connection.query(
                "SELECT id FROM commands WHERE id IN (\(placeholderList(chunk.count)))",
                chunk.map { SQLiteValue.uuid($0) })
            {
                let commandID = try row.uuid("id")
                reading.expectedDevices[commandID] = lists[commandID]
            }
        }
        let missing = commandIDs.filter { lists[$0] == nil }
        for chunk in Array(missing).statementChunks {
            let rows = try connection.query(
                "SELECT id, expected_devices FROM commands WHERE id IN (\(placeholderList(chunk.count)))",
                chunk.map { SQLiteValue.uuid($0) })
            for row in rows {
                let devices = try Self.devices(in: row)
                let commandID = try row.uuid("id")
                reading.expectedDevices[commandID] = devices
                cache.keep(devices, for: commandID)
            }
        }
        return reading
    }

    /// The `expected_devices` column, as the store wrote it.
    private static func devices(in row: SQLiteRow) throws -> Set<String> {
        Set(try row.deviceIDs("expected_devices").map(\.rawValue))
    }
}
