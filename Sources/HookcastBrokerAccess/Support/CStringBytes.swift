/// Compares the broker's NUL-terminated strings (topics, client ids) with bytes where they are, without making a
/// `String`: the plugin asks about every message and every delivery.
enum CStringBytes {
    /// Whether `cString` begins with `bytes`. The terminating NUL differs from every byte of a topic or client id,
    /// so a shorter string stops the comparison before its end.
    static func starts(_ cString: UnsafePointer<CChar>, with bytes: [UInt8]) -> Bool {
        for (offset, byte) in bytes.enumerated() where UInt8(bitPattern: cString[offset]) != byte { return false }
        return true
    }

    /// Whether `cString` is exactly `bytes`.
    static func equals(_ cString: UnsafePointer<CChar>, _ bytes: [UInt8]) -> Bool {
        starts(cString, with: bytes) && cString[bytes.count] == 0
    }
}
