/// A W3C Trace Context (https://www.w3.org/TR/trace-context/): the caller's `traceparent`, and its `tracestate`
/// when that is fit to carry. Hookcast starts no spans of its own; it carries the caller's context unchanged from
/// the webhook to the command's MQTT message, and a device echoes it in its acknowledgement.
public struct TraceContext: Sendable, Hashable {
    /// 32 lowercase hex digits, not all zero.
    public let traceID: String
    /// 16 lowercase hex digits, not all zero: the caller's span, the parent of whatever the device does.
    public let parentID: String
    /// The trace flags byte, as 2 lowercase hex digits.
    public let flags: String
    /// Kept as given: at most `maximumTraceStateSize` bytes of printable ASCII.
    public let traceState: String?

    /// The longest `tracestate` carried; a longer one is dropped, as the spec lets a vendor do.
    public static let maximumTraceStateSize = 512

    /// Parses a `traceparent`, and keeps `tracestate` if it fits; throws when `traceparent` is not valid, in which
    /// case the spec says to ignore both headers rather than refuse the request.
    public init(traceparent: String, tracestate: String? = nil) throws(TraceContextError) {
        let fields = try Self.fields(of: traceparent)
        traceID = fields.traceID
        parentID = fields.parentID
        flags = fields.flags
        traceState = tracestate.flatMap(Self.keptTraceState)
    }

    /// The `traceparent` passed on: version 00, the only one Hookcast knows, as a spec-following vendor writes
    /// what it parsed from a higher version.
    public var traceparent: String { "00-\(traceID)-\(parentID)-\(flags)" }

    /// `tracestate` as the spec defines its size, counted in bytes; anything but printable ASCII is not a valid
    /// list, so it is dropped too rather than passed on to devices.
    static func keptTraceState(_ value: String) -> String? {
        let bytes = value.utf8
        guard !bytes.isEmpty, bytes.count <= maximumTraceStateSize, bytes.allSatisfy({ (0x20...0x7E).contains($0) })
        else { return nil }
        return value
    }
}

extension TraceContext {
    /// The length of a version 00 `traceparent`, and of the part of a higher version's that version 00 reads.
    static let versionZeroLength = 55

    private static func fields(
        of value: String
    ) throws(TraceContextError) -> (traceID: String, parentID: String, flags: String) {
        let bytes = Array(value.utf8)
        guard bytes.count >= versionZeroLength else { throw .wrongLength }
        let version = bytes[0..<2]
        guard version.allSatisfy(isLowercaseHex) else { throw .malformedVersion }
        guard version != [0x66, 0x66] else { throw .forbiddenVersion }
        if version == [0x30, 0x30] {
            guard bytes.count == versionZeroLength else { throw .wrongLength }
        } else if bytes.count > versionZeroLength, bytes[versionZeroLength] != dash {
            // A later version may add fields, but only after a dash; other text there means it is no traceparent.
            throw .malformedField
        }
        guard bytes[2] == dash, bytes[35] == dash, bytes[52] == dash else { throw .malformedField }
        let traceID = bytes[3..<35]
        let parentID = bytes[36..<52]
        let flags = bytes[53..<55]
        guard traceID.allSatisfy(isLowercaseHex), parentID.allSatisfy(isLowercaseHex), flags.allSatisfy(isLowercaseHex)
        else { throw .malformedField }
        guard traceID.contains(where: { $0 != zero }) else { throw .zeroTraceID }
        guard parentID.contains(where: { $0 != zero }) else { throw .zeroParentID }
        return (
            String(decoding: traceID, as: UTF8.self), String(decoding: parentID, as: UTF8.self),
            String(decoding: flags, as: UTF8.self)
        )
    }

    private static let dash = UInt8(ascii: "-")
    private static let zero = UInt8(ascii: "0")

    private static func isLowercaseHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
}

/// Why a `traceparent` was not taken: a label for the count of ignored ones, and a sentence for the debug log.
public enum TraceContextError: String, Error, Sendable, CaseIterable {
    case wrongLength = "wrong_length"
    case malformedVersion = "malformed_version"
    case forbiddenVersion = "forbidden_version"
    case malformedField = "malformed_field"
    case zeroTraceID = "zero_trace_id"
    case zeroParentID = "zero_parent_id"
    /// More than one `traceparent` header (or user property): which one counts is not said, so none does.
    case repeated = "repeated"

    public var description: String {
        switch self {
        case .wrongLength: "traceparent has the wrong length for its version"
        case .malformedVersion: "traceparent's version is not 2 lowercase hex digits"
        case .forbiddenVersion: "traceparent's version is ff, which the spec forbids"
        case .malformedField: "traceparent's fields are not dash-separated lowercase hex of the right lengths"
        case .zeroTraceID: "traceparent's trace-id is all zeros"
        case .zeroParentID: "traceparent's parent-id is all zeros"
        case .repeated: "traceparent was given more than once"
        }
    }
}
