import Foundation
import Hummingbird
import HummingbirdCore

/// A page of a list shown newest first (the audit log, callback reports, CAP alerts), with the cursor for the
/// next, older, page: `next_before`, null on the last page.
struct NewestFirstPage<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    let nextBefore: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextBefore = "next_before"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        // Written as null on the last page, not left out.
        try container.encode(nextBefore, forKey: .nextBefore)
    }

    /// The page of `rows`, read with one more than `limit` to learn whether an older page exists without a count.
    init<Row>(rows: [Row], limit: Int, id: (Row) -> UUID, item: (Row) -> Item) {
        let shown = rows.prefix(limit)
        items = shown.map(item)
        nextBefore = rows.count > limit ? shown.last.map { id($0).lowercasedString } : nil
    }
}

/// `before` (the previous page's `next_before`) and `limit` (1–500, default 50), as every newest-first list takes
/// them; anything else is refused with 400, so a typo never silently shows a different page.
struct PageQuery: Sendable {
    static let defaultLimit = 50
    static let maximumLimit = 500

    let before: UUID?
    let limit: Int

    /// `what` names the list's entries in the refusal ("an audit entry id").
    init(_ parameters: FlatDictionary<Substring, Substring>, ids what: String) throws(APIError) {
        var limit = Self.defaultLimit
        if let raw = parameters.get("limit") {
            guard let value = Int(raw), (1...Self.maximumLimit).contains(value) else {
                throw .badRequest("invalid_limit", "limit must be a whole number from 1 to \(Self.maximumLimit).")
            }
            limit = value
        }
        var before: UUID?
        if let raw = parameters.get("before") {
            guard let id = UUID(uuidString: String(raw)) else {
                throw .badRequest("invalid_before", "before must be \(what) (a UUID), as next_before gives.")
            }
            before = id
        }
        self.limit = limit
        self.before = before
    }
}
