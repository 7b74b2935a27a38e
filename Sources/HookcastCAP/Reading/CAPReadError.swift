/// Why a CAP alert or feed was refused: the code to match on, the element it is about, and a sentence.
public struct CAPReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Over `XMLLimits.maximumBytes`; nothing was read.
        case tooLarge
        /// Not XML this reader accepts (the code is the `XMLReadError` code).
        case xml
        /// XML, but its root is not a CAP 1.2 alert (or, for `CAPFeedReader`, a feed).
        case notCAP
        /// A CAP 1.2 alert that breaks the specification's rules.
        case invalid
    }

    public var kind: Kind
    /// An `XMLReadError` code, `cap_not_an_alert` or `cap_invalid`.
    public var code: String
    /// The element's path, such as `alert.sent` or `alert.info[0].urgency`; nil for XML errors.
    public var element: String?
    public var message: String

    public init(kind: Kind, code: String, element: String?, message: String) {
        self.kind = kind
        self.code = code
        self.element = element
        self.message = message
    }

    public var description: String {
        element.map { "\(code) at \($0): \(message)" } ?? "\(code): \(message)"
    }

    public static let notAnAlertCode = "cap_not_an_alert"
    public static let invalidCode = "cap_invalid"

    init(_ error: XMLReadError) {
        let kind: Kind = error.code == XMLReadError.Code.tooLarge ? .tooLarge : .xml
        let message = error.line == 0 ? error.message : "\(error.message) (line \(error.line), column \(error.column))"
        self.init(kind: kind, code: error.code, element: nil, message: message)
    }

    static func invalid(_ element: String, _ message: String) -> CAPReadError {
        CAPReadError(kind: .invalid, code: invalidCode, element: element, message: message)
    }

    static func notAnAlert(_ element: String, _ message: String) -> CAPReadError {
        CAPReadError(kind: .notCAP, code: notAnAlertCode, element: element, message: message)
    }

    /// The same error for an alert found inside something else, such as a feed entry.
    func nested(under prefix: String) -> CAPReadError {
        var error = self
        error.element = element.map { "\(prefix).\($0)" } ?? prefix
        return error
    }
}
