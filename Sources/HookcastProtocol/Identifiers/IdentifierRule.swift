/// The character set and length shared by the identifier types, kept in one place so the rule and its message agree.
struct IdentifierRule: Sendable {
    let maxLength: Int
    let extraCharacters: Set<Unicode.Scalar>
    let message: String

    static let deviceOrGroup = IdentifierRule(
        maxLength: 64,
        extraCharacters: ["_", "-"],
        message: "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' or '-'"
    )

    static let event = IdentifierRule(
        maxLength: 128,
        extraCharacters: ["_", "-", ".", ":"],
        message: "must be 1 to 128 characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'"
    )

    func validate(_ raw: String, field: String) throws(ValidationError) {
        let scalars = raw.unicodeScalars
        guard !scalars.isEmpty, scalars.count <= maxLength, scalars.allSatisfy(isAllowed) else {
            throw ValidationError(field: field, message: message)
        }
    }

    private func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9": true
        default: extraCharacters.contains(scalar)
        }
    }
}
