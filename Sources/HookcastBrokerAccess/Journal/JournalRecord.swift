/// The framing of every journal and snapshot file: a sequence of records, each one line
///
///     <payload length in bytes, decimal> <CRC-32 of the payload, 8 lowercase hex digits> <payload>\n
///
/// where the payload is one JSON object (`JournalPayload`). A crash in the middle of a write leaves a record whose
/// length, checksum or final newline does not match; reading stops there, so a torn record is never misread.
enum JournalRecord {
    /// Far above any real record (a control request is at most 256 KiB, a snapshot record holds 1,000 accounts);
    /// a larger length is damage, not a record.
    static let maximumPayloadBytes = 16 * 1024 * 1024

    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(payload.count + 21)
        record.append(contentsOf: String(payload.count).utf8)
        record.append(UInt8(ascii: " "))
        let checksum = String(CRC32.checksum(payload[...]), radix: 16)
        record.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 8 - checksum.utf8.count))
        record.append(contentsOf: checksum.utf8)
        record.append(UInt8(ascii: " "))
        record.append(contentsOf: payload)
        record.append(UInt8(ascii: "\n"))
        return record
    }

    struct Scan {
        /// Each whole record's payload and the offset where its record starts.
        var records: [(offset: Int, payload: ArraySlice<UInt8>)] = []
        /// Where the first unreadable byte is: `bytes.count` when every record was whole.
        var readableLength = 0
    }

    /// The whole records at the start of `bytes`, up to the first one that is not whole.
    static func scan(_ bytes: [UInt8]) -> Scan {
        var scan = Scan()
        var position = 0
        while position < bytes.count, let (payload, end) = record(in: bytes, at: position) {
            scan.records.append((position, payload))
            position = end
        }
        scan.readableLength = position
        return scan
    }

    /// The payload of the record at `start` and where the next record starts, or nil if it is not whole.
    private static func record(in bytes: [UInt8], at start: Int) -> (ArraySlice<UInt8>, Int)? {
        var position = start
        var length = 0
        while position < bytes.count, let digit = decimalDigit(bytes[position]) {
            length = length * 10 + digit
            guard length <= maximumPayloadBytes, position - start < 9 else { return nil }
            position += 1
        }
        guard position > start, position < bytes.count, bytes[position] == UInt8(ascii: " ") else { return nil }
        position += 1
        var checksum: UInt32 = 0
        for _ in 0..<8 {
            guard position < bytes.count, let digit = hexDigit(bytes[position]) else { return nil }
            checksum = checksum << 4 | UInt32(digit)
            position += 1
        }
        guard position < bytes.count, bytes[position] == UInt8(ascii: " ") else { return nil }
        let payloadStart = position + 1
        let payloadEnd = payloadStart + length
        guard payloadEnd < bytes.count, bytes[payloadEnd] == UInt8(ascii: "\n") else { return nil }
        let payload = bytes[payloadStart..<payloadEnd]
        guard CRC32.checksum(payload) == checksum else { return nil }
        return (payload, payloadEnd + 1)
    }

    private static func decimalDigit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// CRC-32 as zlib computes it (reflected polynomial 0xEDB88320), so a record can be checked with any tool.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return crc ^ 0xFFFF_FFFF
        }
    }
}
