import Foundation
import Testing

@testable import HookcastCore

@Suite struct DeviceImportParsingTests {
    @Test func csvFieldsHonourQuotes() {
        #expect(DeviceImport.fields(#"a,"b, c","say ""hi""",,d"#) == ["a", "b, c", #"say "hi""#, "", "d"])
        #expect(DeviceImport.fields("") == [""])
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
