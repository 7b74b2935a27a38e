import Foundation

/// Where a command stands in one webhook call of an action with several steps: every step's command carries the
/// same `triggerID` (the first step's command id), and `index` counts from 0 in the action's order.
public struct TriggerStep: Sendable, Hashable, Codable {
    public var triggerID: UUID
    public var index: Int

    public init(triggerID: UUID, index: Int) {
        self.triggerID = triggerID
        self.index = index
    }
}
