import HookcastProtocol

/// Where one device stands with one command, as the gateway records it.
///
/// A separate enum from `AcknowledgementStatus` because it means something else: the status is what a device can
/// say on the wire; the delivery state is the gateway's record, which adds the three states no device can report
/// (`pending`, `timed_out` when none came, `cancelled` when an admin cancelled the command first). The four
/// answered states are the wire statuses, spelled the same, so stored values and API strings equal the device's
/// words.
public enum DeliveryState: String, Codable, Sendable, CaseIterable {
    /// Expected to answer, has not yet, and the acknowledgement deadline has not passed.
    case pending
    case ok
    case failed
    case rejected
    case expired
    /// Did not answer within the acknowledgement deadline.
    case timedOut = "timed_out"
    /// Had not answered when the command was cancelled.
    case cancelled

    /// The state a device's acknowledgement records.
    public init(_ status: AcknowledgementStatus) {
        switch status {
        case .ok: self = .ok
        case .failed: self = .failed
        case .rejected: self = .rejected
        case .expired: self = .expired
        }
    }

    /// The states a device can report in its acknowledgement: exactly the wire statuses.
    public static let reportable = Set(AcknowledgementStatus.allCases.map(DeliveryState.init))
}
