/// The acknowledgements Hookcast's broker plugin gathers for the gateways (docs/protocol.md, "Gathered
/// acknowledgements"): every acknowledgement devices published during one turn of the broker's loop, as one message
/// on `Topics.gatheredAcknowledgements`, so a broadcast's 10,000 answers reach a gateway in a few dozen messages
/// rather than 10,000. Only the plugin publishes there: it refuses any client's message on that topic. (Not a
/// `$CONTROL/…` topic, which no client could publish to: mosquitto 2.0 never matches a shared subscription to a
/// topic beginning with `$`, and the gateways share the batches as they share the single acknowledgements.)
///
/// A batch is a format byte (`format`) followed by entries, each the acknowledgement's topic as the device
/// published it (u16 length, big-endian), its payload (u32 length) and its `traceparent` user property (u8 length,
/// 0 without one): what the gateway reads of an acknowledgement.
public enum GatheredAcknowledgements {
    public static let format: UInt8 = 1
    /// A batch is published as soon as it holds this much, not only at the end of the loop's turn, so no message
    /// nears the broker's `max_packet_size` (256 KiB in broker.conf; one acknowledgement is at most 16 KiB).
    public static let publishSize = 64 * 1024

    /// Whether `filter` subscribes to the batches' topic under `topics`: plainly, or shared (`$share/{group}/…`).
    public static func isSubscription(_ filter: String, topics: Topics) -> Bool {
        let topic = topics.gatheredAcknowledgements
        if filter == topic { return true }
        let bytes = filter.utf8
        guard bytes.starts(with: "$share/".utf8) else { return false }
        let afterShare = bytes.dropFirst("$share/".utf8.count)
        guard let slash = afterShare.firstIndex(of: UInt8(ascii: "/")), slash > afterShare.startIndex else {
            return false
        }
        return afterShare[afterShare.index(after: slash)...].elementsEqual(topic.utf8)
    }

    /// One acknowledgement of a batch.
    public struct Entry: Sendable, Equatable {
        public var topic: String
        public var payload: [UInt8]
        public var traceparent: String?

        public init(topic: String, payload: [UInt8], traceparent: String? = nil) {
            self.topic = topic
            self.payload = payload
            self.traceparent = traceparent
        }
    }

    /// Calls `body` with each entry of `batch`, in order; false when the batch is not of this format or ends in
    /// the middle of an entry (the entries before are read all the same).
    public static func read(_ batch: [UInt8], _ body: (Entry) -> Void) -> Bool {
        guard batch.first == format else { return false }
        var reader = ByteReader(bytes: batch, offset: 1)
        while !reader.isAtEnd {
            guard let topicLength = reader.bigEndian(UInt16.self), let topic = reader.take(Int(topicLength)),
                let payloadLength = reader.bigEndian(UInt32.self), let payload = reader.take(Int(payloadLength)),
                let traceLength = reader.bigEndian(UInt8.self), let trace = reader.take(Int(traceLength))
            else { return false }
            body(
                Entry(
                    topic: String(decoding: topic, as: UTF8.self), payload: Array(payload),
                    traceparent: trace.isEmpty ? nil : String(decoding: trace, as: UTF8.self)))
        }
        return true
    }

    /// A batch being filled (by the broker plugin, and by tests).
    public struct Batch: Sendable {
        public private(set) var bytes: [UInt8] = []
        public private(set) var count = 0

        public init() {}

        public var isEmpty: Bool { count == 0 }

        /// Appends an acknowledgement; false (and nothing appended) when a part is too long for its length field.
        /// A `traceparent` too long for its byte is left out: the gateway would refuse it anyway.
        @discardableResult
        public mutating func append(
            topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, traceparent: UnsafeRawBufferPointer?
        ) -> Bool {
            guard topic.count <= UInt16.max, payload.count <= UInt32.max else { return false }
            let trace = traceparent.flatMap { $0.count <= UInt8.max ? $0 : nil }
            if bytes.isEmpty {
                bytes.reserveCapacity(GatheredAcknowledgements.publishSize + 1024)
                bytes.append(GatheredAcknowledgements.format)
            }
            appendBigEndian(UInt16(topic.count))
            bytes.append(contentsOf: topic)
            appendBigEndian(UInt32(payload.count))
            bytes.append(contentsOf: payload)
            appendBigEndian(UInt8(trace?.count ?? 0))
            if let trace { bytes.append(contentsOf: trace) }
            count += 1
            return true
        }

        /// Appends `entry` (as the plugin appends what the broker holds); false as for the bytes.
        @discardableResult
        public mutating func append(_ entry: Entry) -> Bool {
            Array(entry.topic.utf8).withUnsafeBytes { topic in
                entry.payload.withUnsafeBytes { payload in
                    guard let traceparent = entry.traceparent else {
                        return append(topic: topic, payload: payload, traceparent: nil)
                    }
                    return Array(traceparent.utf8).withUnsafeBytes {
                        append(topic: topic, payload: payload, traceparent: $0)
                    }
                }
            }
        }

        /// The batch's bytes, leaving it empty.
        public mutating func take() -> [UInt8] {
            defer {
                bytes = []
                count = 0
            }
            return bytes
        }

        private mutating func appendBigEndian<Value: FixedWidthInteger>(_ value: Value) {
            withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
        }
    }
}

/// Reads a batch front to back; every read is bounds-checked, as a batch is bytes from the network.
private struct ByteReader {
    let bytes: [UInt8]
    var offset: Int

    var isAtEnd: Bool { offset >= bytes.count }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func bigEndian<Value: FixedWidthInteger>(_: Value.Type) -> Value? {
        guard let slice = take(MemoryLayout<Value>.size) else { return nil }
        return slice.reduce(Value.zero) { $0 << 8 | Value($1) }
    }
}
