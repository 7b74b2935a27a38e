/// Decides which refused device messages get a log line. Every refusal is counted in `/metrics`; the log is for
/// finding *which* devices and why, and must stay readable when a whole fleet is wrong at once: 100,000 devices
/// reconnecting with a firmware that leaves out `agent_version` would otherwise write 100,000 lines in a minute,
/// and again at every reconnect.
///
/// So two bounds: a device is logged at most once per `perDevice` (its first refusal names it and the reason; its
/// repeats add nothing), and the gateway writes at most `linesPerMinute` such lines in all (the first devices
/// of a fleet-wide fault show what it is; the counter shows how big). The lines not written are counted and the
/// next line written says how many. The devices remembered are bounded too (`rememberedDevices`): past it, the
/// entries older than `perDevice` are forgotten, and if none is, a device is not remembered (the global bound
/// still holds). Pure: the caller passes the clock, so the bounds are tested without waiting.
struct RefusalLogLimiter: Sendable {
    struct Bounds: Sendable {
        var perDevice: Duration = .seconds(15 * 60)
        var linesPerMinute = 20
        var rememberedDevices = 10_000
    }

    enum Decision: Sendable, Equatable {
        /// Write the line; `suppressed` lines were left out since the last one written.
        case log(suppressed: Int)
        case suppress
    }

    let bounds: Bounds
    private var lastLogged: [String: ContinuousClock.Instant] = [:]
    private var minuteStart: ContinuousClock.Instant?
    private var linesThisMinute = 0
    private var suppressed = 0

    init(bounds: Bounds = Bounds()) {
        self.bounds = bounds
    }

    mutating func decide(device: String, now: ContinuousClock.Instant) -> Decision {
        if let last = lastLogged[device], now - last < bounds.perDevice {
            suppressed += 1
            return .suppress
        }
        if let start = minuteStart, now - start < .seconds(60) {
            guard linesThisMinute < bounds.linesPerMinute else {
                suppressed += 1
                return .suppress
            }
        } else {
            minuteStart = now
            linesThisMinute = 0
        }
        linesThisMinute += 1
        remember(device, at: now)
        defer { suppressed = 0 }
        return .log(suppressed: suppressed)
    }

    private mutating func remember(_ device: String, at now: ContinuousClock.Instant) {
        if lastLogged[device] == nil, lastLogged.count >= bounds.rememberedDevices {
            lastLogged = lastLogged.filter { now - $0.value < bounds.perDevice }
            guard lastLogged.count < bounds.rememberedDevices else { return }
        }
        lastLogged[device] = now
    }
}
