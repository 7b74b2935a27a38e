import Foundation

enum ConstantTime {
    /// Compares without an early exit, so the time taken does not tell an attacker how many leading bytes matched.
    static func equal(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }
}
