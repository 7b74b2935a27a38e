/// The character set and length shared by the identifier types, kept in one place so the rule and its message agree.
struct IdentifierRule: Sendable {
    let maxLength: Int
    /// ASCII only, so a valid identifier has as many bytes as characters and is checked byte by byte.
    let extraCharacters: [UInt8]
    let message: String

    static let deviceOrGroup = IdentifierRule(
        maxLength: 64,
        extraCharacters: Array("_-".utf8),
        message: "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' or '-'"
    )

    static let event = IdentifierRule(
        maxLength: 128,
        extraCharacters: Array("_-.:".utf8),
        message: "must be 1 to 128 characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'"
    )

    func validate(_ raw: String, field: String) throws(ValidationError) {
        let bytes = raw.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength, bytes.allSatisfy(isAllowed) else {
            throw ValidationError(field: field, message: message)
        }
    }

    private func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: extraCharacters.contains(byte)
        }
    }
}
