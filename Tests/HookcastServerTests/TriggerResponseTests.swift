import Foundation
import HookcastCore
import HookcastProtocol
import Testing

@testable import HookcastServer

@Suite struct TriggerResponseTests {
    @Test(arguments: [false, true], [false, true])
    func theWrittenBodyIsTheEncodedBody(duplicate: Bool, waitSkipped: Bool) throws {
        let issued = Date()
        let command = Command(
            eventID: try EventID("door-open"), actionName: "Door", function: .refreshContent,
            params: ActionParameters(), sensorData: nil, target: .all,
            expectedDevices: [try DeviceID("d1"), try DeviceID("d2")], issuedAt: issued,
            expiresAt: issued.addingTimeInterval(60), apiKeyID: nil, source: .webhook)
        for published in [false, true] {
            var response = TriggerResponse(command: command, published: published)
            response.duplicate = duplicate
            response.waitSkipped = waitSkipped
            #expect(response.jsonBytes == Array(try HookcastRequestContext.encoder.encode(response)))
        }
    }
}
