import HookcastProtocol

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the plugin does with devices' acknowledgements once a gateway asks for them gathered
/// (`GatheredAcknowledgements`): it copies each one into the batch of the loop's turn and withholds the single
/// acknowledgement from every gateway client that gets the batches, so that gateway reads each answer once.
///
/// A gateway asks by subscribing to the batches' topic (plainly or shared); the plugin remembers the client id
/// until that client id logs in again, when the gateway subscribes again. A gateway that does not subscribe (an
/// older one, or any other subscriber of the acknowledgements) gets every single acknowledgement as before.
/// Works on the broker's C strings where they are: the broker asks for every message and every delivery.
public struct AcknowledgementGathering: Sendable {
    /// `{prefix}/devices/`: an acknowledgement's topic is this, one level, and `/acks`.
    private let devicesPrefix: [UInt8]
    private static let acksSuffix = Array("/acks".utf8)
    /// `Topics.gatheredAcknowledgements`.
    private let batchesTopic: [UInt8]
    /// The client ids of the gateways that get batches, as bytes; a handful at most.
    public private(set) var gatewayClients: [[UInt8]] = []
    private var batch = GatheredAcknowledgements.Batch()

    public init(topics: Topics) {
        devicesPrefix = Array("\(topics.root)/devices/".utf8)
        batchesTopic = Array(topics.gatheredAcknowledgements.utf8)
    }

    /// Whether any gateway gets batches: only then is anything gathered or withheld.
    public var isActive: Bool { !gatewayClients.isEmpty }

    /// Gateway client `clientID` subscribed to the batches (its access check allowed it).
    public mutating func gatewaySubscribed(clientID: UnsafePointer<CChar>) {
        guard !gets(clientID) else { return }
        gatewayClients.append(Array(UnsafeRawBufferPointer(start: clientID, count: strlen(clientID))))
    }

    /// A client logged in with `clientID`: it gets single acknowledgements until it subscribes to the batches
    /// again, so a gateway that no longer asks for them misses none.
    public mutating func clientLoggedIn(clientID: UnsafePointer<CChar>) {
        gatewayClients.removeAll { CStringBytes.equals(clientID, $0) }
    }

    /// Whether the delivery of a message on `topic` to client `clientID` is withheld: an acknowledgement, for a
    /// client that gets it in a batch.
    public func withholds(topic: UnsafePointer<CChar>, from clientID: UnsafePointer<CChar>) -> Bool {
        isActive && isAcknowledgement(topic: topic) && gets(clientID)
    }

    /// Whether `topic` is a device's acknowledgement topic, `{prefix}/devices/{one level}/acks`.
    public func isAcknowledgement(topic: UnsafePointer<CChar>) -> Bool {
        let length = strlen(topic)
        guard length > devicesPrefix.count + Self.acksSuffix.count else { return false }
        let bytes = UnsafeRawBufferPointer(start: topic, count: length)
        guard bytes.starts(with: devicesPrefix), bytes.suffix(Self.acksSuffix.count).elementsEqual(Self.acksSuffix)
        else { return false }
        let level = bytes[devicesPrefix.count..<length - Self.acksSuffix.count]
        return !level.contains(UInt8(ascii: "/"))
    }

    /// Whether `topic` is the batches' topic, where only the plugin publishes.
    public func isBatches(topic: UnsafePointer<CChar>) -> Bool {
        CStringBytes.equals(topic, batchesTopic)
    }

    /// Adds an acknowledgement the broker accepted; true when the batch is due now (`publishSize`).
    public mutating func gather(
        topic: UnsafePointer<CChar>, payload: UnsafeRawBufferPointer, traceparent: UnsafeRawBufferPointer?
    ) -> Bool {
        batch.append(
            topic: UnsafeRawBufferPointer(start: topic, count: strlen(topic)), payload: payload,
            traceparent: traceparent)
        return batch.bytes.count >= GatheredAcknowledgements.publishSize
    }

    /// The batch to publish, if anything was gathered since the last.
    public mutating func takeBatch() -> [UInt8]? {
        batch.isEmpty ? nil : batch.take()
    }

    private func gets(_ clientID: UnsafePointer<CChar>) -> Bool {
        gatewayClients.contains { CStringBytes.equals(clientID, $0) }
    }
}
