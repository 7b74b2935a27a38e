/// Where one device stands with one command.
public enum DeliveryState: String, Codable, Sendable, CaseIterable {
    /// Expected to answer, has not yet, and the acknowledgement deadline has not passed.
    case pending
    case ok
    case failed
    case rejected
    case expired
    /// Did not answer within the acknowledgement deadline.
    case timedOut = "timed_out"

    /// The states a device can report in its acknowledgement.
    public static let reportable: Set<DeliveryState> = [.ok, .failed, .rejected, .expired]
}
