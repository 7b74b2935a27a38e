/// An account's groups and tags as indices into `ScopeNames`, in the order given. Up to three indices below 2^21 - 1 (the
/// usual case) are packed into one word, so most accounts need no heap allocation for their groups: at 100,000
/// accounts that saves about 48 bytes each. More, or larger, indices fall back to an array. Each list has exactly
/// one representation, so comparing two compares the lists.
struct GroupIndices: Sendable, Equatable {
    private enum Storage: Sendable, Equatable {
        /// Three 21-bit fields, lowest first, each holding index + 1; 0 ends the list.
        case packed(UInt64)
        case list([UInt32])
    }

    private static let fieldBits: UInt64 = 21
    private static let fieldMask: UInt64 = (1 << fieldBits) - 1
    private static let maximumPacked = 3

    private let storage: Storage

    init(_ indices: [UInt32]) {
        guard indices.count <= Self.maximumPacked, indices.allSatisfy({ UInt64($0) < Self.fieldMask }) else {
            storage = .list(indices)
            return
        }
        var word: UInt64 = 0
        for (position, index) in indices.enumerated() {
            word |= (UInt64(index) + 1) << (UInt64(position) * Self.fieldBits)
        }
        storage = .packed(word)
    }

    /// Whether any index satisfies `predicate`; allocates nothing (asked for every delivery to a group).
    func contains(where predicate: (UInt32) -> Bool) -> Bool {
        switch storage {
        case .packed(var word):
            while word != 0 {
                if predicate(UInt32((word & Self.fieldMask) - 1)) { return true }
                word >>= Self.fieldBits
            }
            return false
        case .list(let indices):
            return indices.contains(where: predicate)
        }
    }

    /// The indices in order (allocates: for control requests and snapshots, not for access checks).
    var indices: [UInt32] {
        switch storage {
        case .packed(var word):
            var indices: [UInt32] = []
            while word != 0 {
                indices.append(UInt32((word & Self.fieldMask) - 1))
                word >>= Self.fieldBits
            }
            return indices
        case .list(let indices):
            return indices
        }
    }
}
