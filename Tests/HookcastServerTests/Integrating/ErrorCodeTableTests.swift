import Foundation
import HookcastTestSupport
import Testing

/// docs/integrating.md's table of error codes against the code of the paths it covers (the webhook, POST and GET,
/// and CAP intake): every code those paths can throw is in the table with its status, and the table's code column
/// names nothing they cannot. Codes are read from the sources, as written where each is thrown; a new file on these
/// paths must be added to `sources`.
@Suite struct ErrorCodeTableTests {
    /// What a webhook or CAP call passes through: the middleware, the key checks, parsing, triggering, CAP intake.
    static let sources = [
        "Sources/HookcastServer/HTTP/ConcurrencyLimitMiddleware.swift",
        "Sources/HookcastServer/HTTP/ErrorMappingMiddleware.swift",
        "Sources/HookcastServer/Gateway+Trigger.swift",
        "Sources/HookcastServer/CAP/CAPIntakeController.swift",
        "Sources/HookcastServer/CAP/Gateway+CAP.swift",
    ]
    /// Every file here is on the webhook path.
    static let sourceDirectories = ["Sources/HookcastServer/Webhooks"]

    static let statuses: [String: Int] = [
        "badRequest": 400, "unauthorized": 401, "forbidden": 403, "notFound": 404, "methodNotAllowed": 405,
        "conflict": 409, "contentTooLarge": 413, "unsupportedMediaType": 415, "unprocessableContent": 422,
        "tooManyRequests": 429, "internalServerError": 500, "serviceUnavailable": 503,
    ]

    /// Code → statuses thrown with it, and the families of codes made from a value (`invalid_<field>`, …).
    static func thrownCodes() throws -> (codes: [String: Set<Int>], families: Set<String>) {
        let root = RepositoryFiles.root
        var files = sources.map { root.appendingPathComponent($0) }
        for directory in sourceDirectories {
            files += try FileManager.default.contentsOfDirectory(
                at: root.appendingPathComponent(directory), includingPropertiesForKeys: nil
            ).filter { $0.pathExtension == "swift" }
        }
        var codes: [String: Set<Int>] = [:]
        var families: Set<String> = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: try Regex(#"APIError\(\s*\.(\w+)\s*,\s*"([a-z0-9_]+)""#)) {
                let (status, code) = (String(match.output[1].substring ?? ""), String(match.output[2].substring ?? ""))
                codes[code, default: []].insert(
                    try #require(statuses[status], "\(status) in \(file.lastPathComponent)"))
            }
            for match in text.matches(of: try Regex(#"\.(badRequest|unauthorized|notFound)\(\s*"([a-z0-9_]+)""#)) {
                let (status, code) = (String(match.output[1].substring ?? ""), String(match.output[2].substring ?? ""))
                codes[code, default: []].insert(try #require(statuses[status]))
            }
            if text.contains("storeUnavailable(") { codes["store_unavailable", default: []].insert(503) }
            if text.contains(".conflict(\"") { codes["conflict", default: []].insert(409) }
            if text.contains("unprocessable(field:") { families.insert("invalid_…") }
            if text.contains("\"http_\\(") { families.insert("http_<status>") }
        }
        // CAP intake answers the reader's own codes (CAPIntakeController.read).
        let capErrors = root.appendingPathComponent("Sources/HookcastCAP")
        let xml = try String(contentsOf: capErrors.appendingPathComponent("XML/XMLReadError.swift"), encoding: .utf8)
        let xmlCodes = xml.matches(of: try Regex(#"= "(xml_[a-z0-9_]+)""#)).map { String($0.output[1].substring ?? "") }
        #expect(xmlCodes.count >= 10, "the XML reader's codes were read")
        for code in xmlCodes { codes[code, default: []].insert(code == "xml_too_large" ? 413 : 400) }
        families.insert("xml_…")
        let cap = try String(
            contentsOf: capErrors.appendingPathComponent("Reading/CAPReadError.swift"), encoding: .utf8)
        for match in cap.matches(of: try Regex(#"= "(cap_[a-z0-9_]+)""#)) {
            codes[String(match.output[1].substring ?? ""), default: []].insert(422)
        }
        return (codes, families)
    }

    /// The table between the page's error-codes markers: each row's statuses by the codes in its second column,
    /// and the whole table's text.
    static func documentedTable() throws -> (rows: [(status: Int?, codes: [String])], text: String) {
        let page = try String(
            contentsOf: RepositoryFiles.root.appendingPathComponent("docs/integrating.md"), encoding: .utf8)
        let start = try #require(page.range(of: "<!-- error-codes:start -->"))
        let end = try #require(page.range(of: "<!-- error-codes:end -->"))
        let table = String(page[start.upperBound..<end.lowerBound])
        var rows: [(status: Int?, codes: [String])] = []
        for line in table.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count > 3, cells[1] != "status", !cells[1].hasPrefix("---") else { continue }
            let codes = cells[2].matches(of: try Regex("`([^`]+)`")).map { String($0.output[1].substring ?? "") }
            rows.append((status: Int(cells[1]), codes: codes))
        }
        return (rows, table)
    }

    @Test func everyCodeTheWebhookPathsThrowIsInTheTableWithItsStatus() throws {
        let (thrown, families) = try Self.thrownCodes()
        let (rows, table) = try Self.documentedTable()
        #expect(thrown.count > 30, "the sources were read: \(thrown.keys.sorted())")
        for (code, statuses) in thrown {
            #expect(table.contains("`\(code)`"), "\(code) is not in docs/integrating.md's table")
            // A code listed in a row of its own carries its status there (the XML codes share the xml_… rows).
            let documented = Set(rows.filter { $0.codes.contains(code) }.compactMap(\.status))
            if !documented.isEmpty {
                #expect(documented == statuses, "\(code): the table says \(documented), the code throws \(statuses)")
            }
        }
        for family in families {
            #expect(rows.contains { $0.codes.contains(family) }, "the family \(family) is not in the table")
        }
    }

    @Test func theTableNamesNoCodeTheWebhookPathsCannotGive() throws {
        let (thrown, families) = try Self.thrownCodes()
        for row in try Self.documentedTable().rows {
            for code in row.codes {
                #expect(thrown[code] != nil || families.contains(code), "\(code) is in the table but thrown nowhere")
            }
        }
    }
}
