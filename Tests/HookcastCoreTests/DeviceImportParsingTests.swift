import Foundation
import Testing

@testable import HookcastCore

@Suite struct DeviceImportParsingTests {
    @Test func csvFieldsHonourQuotes() throws {
        #expect(try CSVRecords.parse("a,\"b, c\",\"say \"\"hi\"\"\",,d\n") == [["a", "b, c", #"say "hi""#, "", "d"]])
        #expect(try CSVRecords.parse("") == [])
    }

    @Test("A quoted name with a line break in it, as a spreadsheet writes it, stays one device")
    func csvQuotedLineBreak() throws {
        let plan = try DeviceImport.parse(csv: "id,name,groups\r\nlobby-1,\"Lobby\r\nnorth wall\",g1\r\nlobby-2,South,g1\r\n")
        #expect(plan.rows.map(\.id.rawValue) == ["lobby-1", "lobby-2"])
        #expect(plan.rows.first?.name == "Lobby north wall")
        #expect(plan.rows.map { $0.groups.map(\.rawValue) } == [["g1"], ["g1"]])
    }

    @Test("A byte order mark before the header, as spreadsheets save UTF-8, is not part of the first column's name")
    func csvByteOrderMark() throws {
        let plan = try DeviceImport.parse(csv: "\u{FEFF}id,name\nscreen-1,One\n")
        #expect(plan.rows.map(\.id.rawValue) == ["screen-1"])
    }

    @Test("Text that is not CSV is refused with a reason, nothing imported")
    func csvMalformed() {
        do {
            _ = try DeviceImport.parse(csv: "id,name\nscreen-1,Lobby \"north\" wall\n")
            Issue.record("accepted a stray quote")
        } catch {
            #expect(error.problems.first?.error.field == "csv")
        }
    }

    @Test func csvRowsKeepTheirLineNumbersAcrossBlankLines() throws {
        let plan = try DeviceImport.parse(csv: "ID,Groups\r\none,g1 g2\n\n two ,\n")
        #expect(plan.rows.map(\.id.rawValue) == ["one", "two"])
        #expect(plan.rows.map(\.number) == [2, 4])
        #expect(plan.rows[0].groups.map(\.rawValue) == ["g1", "g2"])
    }

    @Test func everyProblemIsReported() {
        #expect(throws: DeviceImport.Rejection.self) { try DeviceImport.parse(csv: "name\nx\n") }
        do {
            _ = try DeviceImport.parse(
                json: .array([.object(["id": .string("a")]), .object(["id": .string("a")]), .string("b")]))
            Issue.record("accepted a duplicate and a non-object")
        } catch {
            #expect(error.problems.map(\.row) == [2, 3])
        }
    }
}
