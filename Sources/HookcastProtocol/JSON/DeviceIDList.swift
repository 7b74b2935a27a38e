extension Array where Element == DeviceID {
    /// Reads a list of device ids as `jsonBytes` writes it (`["a","b"]`: no spaces, and an id needs no escapes),
    /// without `JSONDecoder`. The gateway's redelivery scan reads every unsettled command twice a second, and a
    /// broadcast's list (10,000 ids, 150 KB) through `JSONDecoder` was 90 % of an otherwise idle gateway's CPU.
    ///
    /// nil for any other spelling or an element that is not a valid id: read those with `JSONDecoder`, which
    /// accepts every JSON spelling and refuses what is wrong. Whatever this reads, `JSONDecoder` reads the same.
    public init?(writtenList text: String) {
        var text = text
        let read: [DeviceID]? = text.withUTF8 { bytes in
            let (quote, comma, close) = (UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: "]"))
            guard bytes.count >= 2, bytes[0] == UInt8(ascii: "["), bytes[bytes.count - 1] == close else { return nil }
            var list: [DeviceID] = []
            if bytes.count == 2 { return list }
            var index = 1
            while true {
                guard index < bytes.count, bytes[index] == quote else { return nil }
                let start = index + 1
                var end = start
                while end < bytes.count, bytes[end] != quote {
                    // An escape: not how the writer spells an id (nor a valid id once unescaped).
                    guard bytes[end] != UInt8(ascii: "\\") else { return nil }
                    end += 1
                }
                guard end < bytes.count,
                    let id = try? DeviceID(
                        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                else { return nil }
                list.append(id)
                index = end + 1
                guard index < bytes.count else { return nil }
                if bytes[index] == close { return index == bytes.count - 1 ? list : nil }
                guard bytes[index] == comma else { return nil }
                index += 1
            }
        }
        guard let read else { return nil }
        self = read
    }
}
