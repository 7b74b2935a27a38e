import HookcastProtocol

/// A token bucket's settings: `perSecond` requests on average, bursts of up to `burst` at once.
public struct RateLimit: Sendable, Equatable, Codable {
    public var perSecond: Double
    public var burst: Int

    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// Refuses values that would make the bucket useless or divide by zero.
    public func validated() throws(ValidationError) -> RateLimit {
        guard perSecond.isFinite, perSecond > 0, perSecond <= 1_000_000 else {
            throw ValidationError(
                field: "rate_limit.per_second", message: "must be a number above 0 and at most 1000000")
        }
        guard burst >= 1, burst <= 1_000_000 else {
            throw ValidationError(field: "rate_limit.burst", message: "must be a whole number from 1 to 1000000")
        }
        return self
    }

    enum CodingKeys: String, CodingKey {
        case perSecond = "per_second"
        case burst
    }
}
