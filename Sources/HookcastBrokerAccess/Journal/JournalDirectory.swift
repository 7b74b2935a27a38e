/// The files in the journal's directory. Segments are `journal-<n>` and snapshots `snapshot-<n>`, `n` 16 lowercase
/// hex digits; `snapshot-<n>` holds every change of the segments numbered below `n` (and possibly some of segment
/// `n` and later ones, which replaying them again does not change). `snapshot-<n>.tmp` is a snapshot being
/// written, never read. Other names are left alone.
struct JournalDirectory: Sendable {
    let path: String

    struct Listing: Equatable {
        var segments: [UInt64] = []
        var snapshots: [UInt64] = []
        var temporaries: [String] = []

        /// What start-up reads: the newest snapshot and the segments it does not cover.
        var newestSnapshot: UInt64? { snapshots.last }
        var liveSegments: [UInt64] { segments.filter { $0 >= newestSnapshot ?? 0 } }
        /// Files a finished compaction would have deleted; a crash can leave them behind.
        var coveredSegments: [UInt64] { segments.filter { $0 < newestSnapshot ?? 0 } }
        var olderSnapshots: [UInt64] { snapshots.dropLast() }
        /// Higher than every number in use, so a new segment sorts after everything there.
        var nextSequence: UInt64 { max(segments.last ?? 0, snapshots.last ?? 0) + 1 }
    }

    static let segmentPrefix = "journal-"
    static let snapshotPrefix = "snapshot-"
    static let temporarySuffix = ".tmp"

    func segment(_ sequence: UInt64) -> String { path + "/" + Self.segmentPrefix + Self.hex(sequence) }
    func snapshot(_ sequence: UInt64) -> String { path + "/" + Self.snapshotPrefix + Self.hex(sequence) }
    func temporarySnapshot(_ sequence: UInt64) -> String { snapshot(sequence) + Self.temporarySuffix }
    func file(_ name: String) -> String { path + "/" + name }

    func list() throws(AccountJournalError) -> Listing {
        var listing = Listing()
        for name in try JournalFile.names(in: path) {
            if let sequence = Self.sequence(in: name, prefix: Self.segmentPrefix) {
                listing.segments.append(sequence)
            } else if let sequence = Self.sequence(in: name, prefix: Self.snapshotPrefix) {
                listing.snapshots.append(sequence)
            } else if name.hasPrefix(Self.snapshotPrefix) && name.hasSuffix(Self.temporarySuffix) {
                listing.temporaries.append(name)
            }
        }
        listing.segments.sort()
        listing.snapshots.sort()
        listing.temporaries.sort()
        return listing
    }

    private static func hex(_ sequence: UInt64) -> String {
        let digits = String(sequence, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func sequence(in name: String, prefix: String) -> UInt64? {
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard digits.utf8.count == 16, digits.utf8.allSatisfy(isLowercaseHexDigit) else { return nil }
        return UInt64(digits, radix: 16)
    }

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
