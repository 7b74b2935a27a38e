import Foundation
import HookcastProtocol
import Testing

@testable import HookcastDevice

@Suite("A simulated fleet's device ids and credentials")
struct FleetConfigurationTests {
    @Test("Ids are the prefix and the index, zero-padded to five digits or the widest index")
    func deviceIDs() throws {
        let small = FleetSimulator.Configuration(count: 3, idPrefix: "sim-", startIndex: 1)
        #expect(try small.deviceID(at: 0).rawValue == "sim-00001")
        #expect(try small.deviceID(at: 2).rawValue == "sim-00003")
        let wide = FleetSimulator.Configuration(count: 10, idPrefix: "d", startIndex: 99_995)
        #expect(try wide.deviceID(at: 0).rawValue == "d099995")
        #expect(try wide.deviceID(at: 9).rawValue == "d100004")
        let invalid = FleetSimulator.Configuration(count: 1, idPrefix: "bad/prefix-")
        #expect(throws: FleetError.self) { try invalid.deviceID(at: 0) }
    }

    @Test("A passwords directory gives each device its own file's password, user name = device id")
    func passwordsDirectory() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "s3cret\n".write(
            to: directory.appendingPathComponent("sim-00001.password"), atomically: true, encoding: .utf8)
        let credentials = FleetCredentials.perDevice(directory: directory)
        let login = try #require(try credentials.login(for: DeviceID("sim-00001")))
        #expect(login.username == "sim-00001" && login.password == "s3cret")
        #expect(throws: FleetError.self) { try credentials.login(for: DeviceID("sim-00002")) }
        #expect(try FleetCredentials.shared(password: "p").login(for: DeviceID("x1"))?.password == "p")
        #expect(try FleetCredentials.none.login(for: DeviceID("x1")) == nil)
    }
}
