import Foundation
import HookcastProtocol
import Mosquitto

/// Reads each acknowledgement on the MQTT client's network thread as it arrives and puts it in the inbox. A
/// broadcast to 10,000 devices brings 10,000 acknowledgements within a second; handing each to a task before
/// reading it cost a task wake-up apiece, more of the gateway's CPU than the reading (bench/README.md, issue 17).
/// Nothing here logs or waits: a message whose reading must be logged (a refusal, or every read when the log is at
/// debug level) goes to `slowLane` with its reading, for the collector's task.
struct AcknowledgementIntake: Sendable {
    struct Read: Sendable {
        let message: MQTTMessage
        let reading: DeviceMessageReader.Reading
    }

    /// Messages waiting for the collector's task: past 8,192 they are dropped and counted as unparsed. A refused
    /// one waits without its payload and properties, so a device account flooding the broker with refused messages
    /// holds little here; an acknowledgement waits whole (16 KiB at most, the reader's limit) only while every read
    /// is logged.
    static let slowLaneLimit = 8_192

    let reader: DeviceMessageReader
    let inbox: AcknowledgementInbox
    let metrics: GatewayMetrics
    /// Every acknowledgement read is logged (at debug level) by the collector's task, so all go the slow way.
    let logsEachRead: Bool
    let slowLane: AsyncStream<Read>
    private let slowLaneInput: AsyncStream<Read>.Continuation

    init(reader: DeviceMessageReader, inbox: AcknowledgementInbox, metrics: GatewayMetrics, logsEachRead: Bool) {
        self.reader = reader
        self.inbox = inbox
        self.metrics = metrics
        self.logsEachRead = logsEachRead
        (slowLane, slowLaneInput) = AsyncStream.makeStream(
            of: Read.self, bufferingPolicy: .bufferingOldest(Self.slowLaneLimit))
    }

    /// The acknowledgement subscription's handler, on the network thread.
    func take(_ message: MQTTMessage) {
        let reading = reader.read(topic: message.topic, payload: message.payload, receivedAt: Date())
        switch reading {
        case .acknowledgement(let record) where !logsEachRead:
            metrics.deviceMessagesDropped(inbox.add(.acknowledgement(record)))
        case .ignored:
            return
        default:
            // A refused message is not kept: the reading says why, and the log never shows a payload.
            let kept = reading.isAcknowledgement ? message : MQTTMessage(onlyTopicOf: message)
            if case .dropped = slowLaneInput.yield(Read(message: kept, reading: reading)) {
                metrics.deviceMessagesDropped(AcknowledgementInbox.Dropped(subscription: 1))
            }
        }
    }

    /// The handler of the subscription to the acknowledgements Hookcast's broker plugin gathers, on the network
    /// thread: each acknowledgement of the batch is taken as if it had come alone. An unreadable batch (only the
    /// plugin publishes there) is counted as one unparsed message, after its readable acknowledgements are taken.
    func takeGathered(_ message: MQTTMessage) {
        let whole = GatheredAcknowledgements.read(message.payload) { entry in
            let properties =
                entry.traceparent.map {
                    MQTTPublishProperties(userProperties: [MQTTUserProperty(TraceContext.traceparentName, $0)])
                } ?? .none
            take(
                MQTTMessage(
                    topic: entry.topic, payload: entry.payload, qos: message.qos, retain: false,
                    properties: properties))
        }
        if !whole { metrics.deviceMessagesDropped(AcknowledgementInbox.Dropped(subscription: 1)) }
    }

    func finish() { slowLaneInput.finish() }
}

extension DeviceMessageReader.Reading {
    fileprivate var isAcknowledgement: Bool {
        if case .acknowledgement = self { return true }
        return false
    }
}

extension MQTTMessage {
    fileprivate init(onlyTopicOf message: MQTTMessage) {
        self.init(topic: message.topic, payload: [], qos: message.qos, retain: message.retain)
    }
}
