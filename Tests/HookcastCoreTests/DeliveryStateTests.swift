import HookcastCore
import HookcastProtocol
import Testing

@Suite struct DeliveryStateTests {
    @Test(arguments: AcknowledgementStatus.allCases)
    func anAnsweredStateIsSpelledAsTheDeviceSaidIt(status: AcknowledgementStatus) {
        #expect(DeliveryState(status).rawValue == status.rawValue)
    }

    @Test func theReportableStatesAreExactlyTheWireStatuses() {
        #expect(DeliveryState.reportable == [.ok, .failed, .rejected, .expired])
        #expect(!DeliveryState.reportable.contains(.pending))
        #expect(!DeliveryState.reportable.contains(.timedOut))
    }
}
