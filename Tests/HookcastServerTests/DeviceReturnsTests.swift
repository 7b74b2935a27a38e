import Foundation
import HookcastCore
import HookcastProtocol
import Testing

@testable import HookcastServer

@Suite("Devices coming back online")
struct DeviceReturnsTests {
    static func presence(_ id: String, online: Bool) throws -> DevicePresence {
        DevicePresence(deviceID: try DeviceID(id), online: online, since: Date(), agentVersion: nil)
    }

    @Test("Only offline → online is a return; a device first heard online is not, and each return is taken once")
    func returnsAreTransitions() throws {
        let returns = DeviceReturns()
        let start = Date()
        returns.observe([try Self.presence("a", online: true), try Self.presence("b", online: false)], at: start)
        #expect(returns.take(returnedBy: start.addingTimeInterval(10)).isEmpty)

        returns.observe([try Self.presence("b", online: true)], at: start.addingTimeInterval(1))
        returns.observe([try Self.presence("a", online: false)], at: start.addingTimeInterval(1))
        returns.observe([try Self.presence("a", online: true)], at: start.addingTimeInterval(3))
        // Not yet past the grace for "a".
        #expect(returns.take(returnedBy: start.addingTimeInterval(2)) == [try DeviceID("b")])
        #expect(returns.take(returnedBy: start.addingTimeInterval(3)) == [try DeviceID("a")])
        #expect(returns.take(returnedBy: start.addingTimeInterval(10)).isEmpty)
    }
}
