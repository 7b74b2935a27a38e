import HookcastProtocol

/// A token bucket's settings: `perSecond` requests on average, bursts of up to `burst` at once.
public struct RateLimit: Sendable, Equatable, Codable {
    public var perSecond: Double
    public var burst: Int

    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// This limit shared out between `instances` gateways that each count alone: a caller spread evenly over them
    /// (a round-robin load balancer) gets this limit in all. Each gateway's burst is at least 1.
    public func share(of instances: Int) -> RateLimit {
        guard instances > 1 else { return self }
        return RateLimit(
            perSecond: perSecond / Double(instances),
            burst: max(1, Int((Double(burst) / Double(instances)).rounded(.up))))
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
