#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A generated MQTT password: 192 random bits as 32 characters of URL-safe Base64 (a multiple of three bytes,
/// so no padding), so it survives shells and config files unquoted.
enum BrokerPassword {
    static let randomBytes = 24

    static func generate() -> String { generate(count: 1)[0] }

    /// `count` passwords from one read of the system's random source. An import of 10,000 devices spent about
    /// 85 ms of CPU making them one at a time (`perf record`: a key object, several reads of the random source
    /// and Foundation's string replacements each).
    static func generate(count: Int) -> [String] {
        let bytes = randomBytes(count * Self.randomBytes)
        return (0..<count).map { index in
            let start = index * Self.randomBytes
            return Base64URL.encode(bytes[start..<start + Self.randomBytes])
        }
    }

    /// From the kernel's random source (/dev/urandom, the pool getrandom(2) reads) on Linux, arc4random_buf
    /// elsewhere: cryptographically secure, as `SystemRandomNumberGenerator` is, which makes a system call for
    /// every eight bytes.
    private static func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return bytes }
        #if canImport(Glibc)
            var filled = 0
            let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
            if descriptor >= 0 {
                defer { close(descriptor) }
                while filled < count {
                    let read = bytes.withUnsafeMutableBytes { buffer in
                        guard let start = buffer.baseAddress else { return -1 }
                        return Glibc.read(descriptor, start + filled, count - filled)
                    }
                    // Interrupted by a signal, or a large read cut short: carry on from where it stopped.
                    if read > 0 { filled += read } else if read < 0 && errno == EINTR { continue } else { break }
                }
            }
            if filled < count {
                // No /dev/urandom (a bare container): the generator the standard library trusts.
                var generator = SystemRandomNumberGenerator()
                for index in filled..<count { bytes[index] = generator.next() }
            }
        #else
            bytes.withUnsafeMutableBytes { buffer in
                if let start = buffer.baseAddress { arc4random_buf(start, count) }
            }
        #endif
        return bytes
    }
}
