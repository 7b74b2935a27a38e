import CMosquitto
import Testing

@testable import Mosquitto

@Suite("What an acknowledgement means for the operation it answers")
struct PendingOperationTests {
    typealias Operation = PendingOperation<Int>

    @Test(
        "a PUBACK succeeds below 0x80, 'no matching subscribers' included, and is a rejection from 0x80",
        arguments: [(Int32(0), true), (16, true), (0x87, false), (0x97, false)])
    func publish(code: Int32, accepted: Bool) {
        let completion = Operation.publish(topic: "t", 1).completion(with: .published(reasonCode: code))
        let reason = MQTTReasonCode(code)
        let expected: Result<Reply, MQTTError> =
            accepted
            ? .success(.published(MQTTPublishResult(reasonCode: reason)))
            : .failure(.publishRejected(topic: "t", reason))
        #expect(completion == .resume(1, expected))
    }

    @Test("a SUBACK grants below 0x80 and refuses from 0x80")
    func subscribe() {
        let operation = Operation.subscribe(filter: "a/#", 2)
        #expect(operation.completion(with: .subscribed(reasonCode: 1)) == .resume(2, .success(.done)))
        #expect(
            operation.completion(with: .subscribed(reasonCode: 0x87))
                == .resume(2, .failure(.subscribeRejected(filter: "a/#", .notAuthorized))))
    }

    @Test("an UNSUBACK completes an unsubscribe")
    func unsubscribe() {
        #expect(Operation.unsubscribe(3).completion(with: .unsubscribed) == .resume(3, .success(.done)))
    }

    @Test(
        "an acknowledgement of the wrong kind fails the waiter with a protocol error",
        arguments: [
            (Operation.publish(topic: "t", 4), BrokerAcknowledgement.subscribed(reasonCode: 0)),
            (Operation.publish(topic: "t", 4), BrokerAcknowledgement.unsubscribed),
            (Operation.subscribe(filter: "f", 4), BrokerAcknowledgement.published(reasonCode: 0)),
            (Operation.unsubscribe(4), BrokerAcknowledgement.subscribed(reasonCode: 0)),
        ])
    func mismatchedKinds(operation: Operation, acknowledgement: BrokerAcknowledgement) {
        #expect(
            operation.completion(with: acknowledgement)
                == .resume(
                    4,
                    .failure(.library(code: MOSQ_ERR_PROTOCOL.rawValue, message: "acknowledgement of the wrong kind"))))
    }

    @Test("a background subscription refused by the broker is reported; granted or of another kind, nothing")
    func background() {
        let operation = Operation.background(filter: "x/#")
        #expect(operation.waiter == nil)
        #expect(
            operation.completion(with: .subscribed(reasonCode: 0x87))
                == .backgroundRefused(filter: "x/#", .notAuthorized))
        #expect(operation.completion(with: .subscribed(reasonCode: 1)) == .nothing)
        #expect(operation.completion(with: .unsubscribed) == .nothing)
        #expect(operation.completion(with: .published(reasonCode: 0)) == .nothing)
    }
}
