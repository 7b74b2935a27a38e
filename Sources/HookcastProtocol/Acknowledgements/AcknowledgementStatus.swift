/// What became of a command on one device, in the device's words: the `status` of its `Acknowledgement`. The
/// gateway's record of a delivery (HookcastCore's `DeliveryState`) has these four and two no device can say.
public enum AcknowledgementStatus: String, Codable, Sendable, CaseIterable {
    /// Executed.
    case ok
    /// Understood but could not be carried out (bad parameters, a hook that failed).
    case failed
    /// Not understood: an undecodable envelope or an unknown version.
    case rejected
    /// Arrived after its `expires_at`, so it was not executed.
    case expired
}
