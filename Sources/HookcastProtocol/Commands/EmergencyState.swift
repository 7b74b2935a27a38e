/// Whether the emergency function switches emergency mode on or off.
public enum EmergencyState: String, Codable, Sendable, CaseIterable {
    case on
    case off
}
