import Foundation
import HookcastProtocol

/// A fleet registered in one go: rows of devices with their groups, from JSON or CSV. Every row is checked before
/// anything is stored, so a file with one bad line changes nothing; importing the same file twice changes nothing
/// the second time.
public struct DeviceImport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// Where it came from: the element of a JSON array or the line of a CSV file (1-based).
        public var number = 0
        public var id: DeviceID
        public var name: String?
        public var tags: [String]?
        public var groups: [GroupID]
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// 1-based: the element of a JSON array, or the line of a CSV file.
        public var row: Int
        public var error: ValidationError
        public var description: String { "row \(row): \(error)" }

        public init(row: Int, error: ValidationError) {
            self.row = row
            self.error = error
        }
    }

    /// Every problem found, so a caller can fix the file in one go.
    public struct Rejection: Error, Sendable, Equatable {
        public var problems: [Problem]

        public init(problems: [Problem]) {
            self.problems = problems
        }
    }

    /// A device the import created, with the groups its row put it in: all it belongs to, as it did not exist.
    public struct Created: Sendable, Equatable {
        public var device: Device
        public var groups: [GroupID]
    }

    /// What an import changed.
    public struct Outcome: Sendable, Equatable, Encodable {
        public var created = 0
        public var updated = 0
        public var unchanged = 0
        public var groupsCreated = 0
        public var groupsUpdated = 0

        enum CodingKeys: String, CodingKey {
            case created, updated, unchanged
            case groupsCreated = "groups_created"
            case groupsUpdated = "groups_updated"
        }
    }

    public static let maximumRows = 100_000

    public var rows: [Row]

    /// `[{"id","name"?,"tags"?,"groups"?}]`.
    public static func parse(json: JSONValue) throws(Rejection) -> DeviceImport {
        guard case .array(let items) = json else {
            throw Rejection(problems: [
                Problem(row: 0, error: ValidationError(field: "body", message: "must be a JSON array"))
            ])
        }
        return try collect(items.enumerated().map { index, item in (index + 1, row(from: item)) })
    }

    /// A header row naming `id` and optionally `name`, `groups` (separated by `;` or spaces) and `tags` (`;`),
    /// then one row a device (RFC 4180: fields may be quoted with `"`, with `""` for a quote inside, and a quoted
    /// field may hold commas and line breaks, as a spreadsheet writes a pasted name). A byte order mark is ignored.
    /// A line break inside a field counts as a space (a name is one line). Rows are counted from the header as
    /// row 1; blank rows are skipped but counted.
    public static func parse(csv text: String) throws(Rejection) -> DeviceImport {
        let records: [[String]]
        do {
            records = try CSVRecords.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        } catch {
            throw Rejection(problems: [
                Problem(row: error.row, error: ValidationError(field: "csv", message: error.reason))
            ])
        }
        guard let header = records.first else {
            throw Rejection(problems: [
                Problem(row: 1, error: ValidationError(field: "csv", message: "needs a header line"))
            ])
        }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let idColumn = names.firstIndex(of: "id") else {
            throw Rejection(problems: [
                Problem(row: 1, error: ValidationError(field: "csv", message: "needs an 'id' column"))
            ])
        }
        let column = { (name: String) in names.firstIndex(of: name) }
        var rows: [(Int, Result<Row, ValidationError>)] = []
        for (offset, values) in records.enumerated().dropFirst()
        where !values.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            func value(_ index: Int?) -> String? {
                guard let index, index < values.count else { return nil }
                let trimmed = values[index].split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                    .joined(separator: " ").trimmingCharacters(in: .whitespaces)
                return trimmed.isEmpty ? nil : trimmed
            }
            var object: [String: JSONValue] = ["id": .string(value(idColumn) ?? "")]
            if let name = value(column("name")) { object["name"] = .string(name) }
            if let groups = value(column("groups")) {
                object["groups"] = .array(
                    groups.split(whereSeparator: { $0 == ";" || $0 == " " }).map { .string(String($0)) })
            }
            if let tags = value(column("tags")) {
                object["tags"] = .array(tags.split(separator: ";").map { .string(String($0)) })
            }
            rows.append((offset + 1, row(from: .object(object))))
        }
        return try collect(rows)
    }

    private static func collect(_ results: [(Int, Result<Row, ValidationError>)]) throws(Rejection) -> DeviceImport {
        guard results.count <= maximumRows else {
            throw Rejection(problems: [
                Problem(row: maximumRows + 1, error: ValidationError(field: "rows", message: "at most \(maximumRows)"))
            ])
        }
        var rows: [Row] = []
        var problems: [Problem] = []
        var seen = Set<DeviceID>()
        for (number, result) in results {
            switch result {
            case .success(let row) where !seen.insert(row.id).inserted:
                problems.append(Problem(row: number, error: ValidationError(field: "id", message: "appears twice")))
            case .success(var row):
                row.number = number
                rows.append(row)
            case .failure(let error): problems.append(Problem(row: number, error: error))
            }
        }
        guard problems.isEmpty else { throw Rejection(problems: problems) }
        return DeviceImport(rows: rows)
    }

    private static func row(from item: JSONValue) -> Result<Row, ValidationError> {
        Result { () throws(ValidationError) -> Row in
            guard case .object(let fields) = item, case .string(let rawID)? = fields["id"] else {
                throw ValidationError(field: "id", message: "is required")
            }
            let id = try DeviceID(rawID, field: "id")
            var name: String?
            if case .string(let raw)? = fields["name"] { name = try DisplayName.validate(raw) }
            var tags: [String]?
            if case .array(let raw)? = fields["tags"] {
                tags = try raw.map { value throws(ValidationError) -> String in
                    guard case .string(let tag) = value else {
                        throw ValidationError(field: "tags", message: "must be strings")
                    }
                    return tag
                }
            }
            var groups: [GroupID] = []
            if case .array(let raw)? = fields["groups"] {
                groups = try raw.map { value throws(ValidationError) -> GroupID in
                    guard case .string(let group) = value else {
                        throw ValidationError(field: "groups", message: "must be group ids")
                    }
                    return try GroupID(group, field: "groups")
                }
            }
            return Row(id: id, name: name, tags: tags, groups: groups)
        }
    }
}

extension DeviceImport {
    /// Creates the devices that are missing, updates names and tags that differ, and adds each device to the
    /// groups its row names (creating a group that does not exist). Membership is only added, never taken away,
    /// so importing a partial list cannot empty a group. Returns what changed, the devices created (in row order)
    /// and those whose groups or tags changed (both decide what a device may hear on the broker).
    /// `brokerCredentials` is asked once, with the ids of the devices about to be created, for the credentials of
    /// their broker accounts, which are stored in the same transaction as the devices.
    public func apply(
        to store: any HookcastStore, now: Date = Date(),
        brokerCredentials: (_ newDevices: [DeviceID]) -> [DeviceID: String] = { _ in [:] }
    ) async throws -> (
        Outcome, created: [Created], membershipChanged: Set<DeviceID>
    ) {
        var outcome = Outcome()
        var created: [Created] = []
        var membershipChanged = Set<DeviceID>()
        // One read and at most two writes for the devices, whatever their number: a write a device (and its
        // sync to disk) made an import of 10,000 take seconds.
        let registered = try await store.devices.find(ids: rows.map(\.id))
        var inserts: [Device] = []
        var updates: [Device] = []
        for row in rows {
            if let existing = registered[row.id] {
                var changed = existing
                if let name = row.name { changed.name = name }
                if let tags = row.tags { changed.tags = tags }
                if changed == existing {
                    outcome.unchanged += 1
                } else {
                    updates.append(changed)
                    outcome.updated += 1
                    if changed.tags != existing.tags { membershipChanged.insert(row.id) }
                }
            } else {
                let device = Device(id: row.id, name: row.name ?? row.id.rawValue, tags: row.tags ?? [], createdAt: now)
                inserts.append(device)
                outcome.created += 1
                created.append(Created(device: device, groups: row.groups))
                membershipChanged.insert(row.id)
            }
        }
        if !inserts.isEmpty {
            try await store.devices.insert(inserts, brokerCredentials: brokerCredentials(inserts.map(\.id)))
        }
        if !updates.isEmpty { try await store.devices.update(updates) }
        var wanted: [GroupID: Set<DeviceID>] = [:]
        for row in rows {
            for group in row.groups { wanted[group, default: []].insert(row.id) }
        }
        for (groupID, members) in wanted.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            if var group = try await store.groups.find(id: groupID) {
                let missing = members.subtracting(group.members)
                guard !missing.isEmpty else { continue }
                group.members += missing
                try await store.groups.update(group)
                outcome.groupsUpdated += 1
                membershipChanged.formUnion(missing)
            } else {
                try await store.groups.insert(
                    DeviceGroup(id: groupID, name: groupID.rawValue, members: Array(members), createdAt: now))
                outcome.groupsCreated += 1
                membershipChanged.formUnion(members)
            }
        }
        return (outcome, created, membershipChanged)
    }
}
