import Foundation

/// The results file (bench/results/*.json), which bench/plot.py turns into the chart and the table (latest.png, latest.md).
struct BenchResults: Codable {
    struct Machine: Codable {
        var cores: Int
        var kernel: String
        var mosquitto: String
        /// "on": the broker checked every login and message against accounts (Hookcast's plugin for the gateway
        /// and devices, mosquitto's password and ACL files for the peers and the harness).
        var brokerAccessControl: String

        enum CodingKeys: String, CodingKey {
            case cores, kernel, mosquitto
            case brokerAccessControl = "broker_access_control"
        }
    }

    struct Ceilings: Codable {
        var httpRequestsPerSecond: Double?
        var mqttQoS1MessagesPerSecond: Double?
        /// Fleet size → milliseconds until every device acknowledged one raw libmosquitto broadcast.
        var fanoutMilliseconds: [String: Double] = [:]
        /// The same with a second reader of every acknowledgement, as the gateway is in Hookcast's broadcast.
        var fanoutReadTwiceMilliseconds: [String: Double] = [:]
        /// The bare HTTP handler's CPU time per request at 1,000 requests/s: what Hummingbird alone costs at the
        /// rate of scenario 2, under the gateway's CPU per webhook there.
        var httpCPUMicrosecondsPerRequestAt1000: Double?

        enum CodingKeys: String, CodingKey {
            case httpRequestsPerSecond = "http_requests_per_second"
            case mqttQoS1MessagesPerSecond = "mqtt_qos1_messages_per_second"
            case fanoutMilliseconds = "fanout_ms"
            case fanoutReadTwiceMilliseconds = "fanout_read_twice_ms"
            case httpCPUMicrosecondsPerRequestAt1000 = "http_cpu_us_per_request_at_1000"
        }
    }

    var startedAt: String
    var gitCommit: String
    var machine: Machine
    var ceilings = Ceilings()
    var results: [BenchResult] = []

    enum CodingKeys: String, CodingKey {
        case startedAt = "started_at"
        case gitCommit = "git_commit"
        case machine, ceilings, results
    }
}

/// One row: one scenario against one target.
struct BenchResult: Codable {
    var scenario: String
    var target: String
    var label: String
    var devices: Int?
    var ratePerSecond: Double?
    var durationSeconds: Double?
    /// End to end: webhook due → the device's acknowledgement seen on the broker.
    var latency: LatencyReport?
    var httpLatency: LatencyReport?
    var accepted: Int?
    var acknowledged: Int?
    var lost: Int?
    var errors: Int?
    var allAcknowledgedMilliseconds: Double?
    var gatewayResidentMiB: Double?
    var gatewayPeakResidentMiB: Double?
    var simulatorKiBPerDevice: Double?
    /// The target's CPU time (user + system) over the trial per accepted webhook.
    var cpuMicrosecondsPerWebhook: Double?
    /// The whole machine's CPU time over the trial per accepted webhook, by process (closed loop).
    var machineShare: MachineShare?
    var ratioToCeiling: Double?
    /// A broadcast's time over the fan-out whose acknowledgements were read twice (`fanout_read_twice_ms`).
    var ratioToFanoutReadTwice: Double?
    var goal: String?
    var met: Bool?
    var notes: String?

    enum CodingKeys: String, CodingKey {
        case scenario, target, label, devices
        case ratePerSecond = "rate_per_second"
        case durationSeconds = "duration_seconds"
        case latency = "latency_ms"
        case httpLatency = "http_latency_ms"
        case accepted, acknowledged, lost, errors
        case allAcknowledgedMilliseconds = "all_acknowledged_ms"
        case gatewayResidentMiB = "gateway_rss_mib"
        case gatewayPeakResidentMiB = "gateway_peak_rss_mib"
        case simulatorKiBPerDevice = "simulator_kib_per_device"
        case cpuMicrosecondsPerWebhook = "cpu_us_per_webhook"
        case machineShare = "machine_per_webhook"
        case ratioToCeiling = "ratio_to_ceiling"
        case ratioToFanoutReadTwice = "ratio_to_fanout_read_twice"
        case goal, met, notes
    }

    init(scenario: String, target: any WebhookTarget, devices: Int? = nil) {
        self.init(scenario: scenario, target: target.name, label: target.label, devices: devices)
    }

    init(scenario: String, target: String, label: String, devices: Int? = nil) {
        self.scenario = scenario
        self.target = target
        self.label = label
        self.devices = devices
    }

    /// Fills the load figures from a trial.
    mutating func take(_ trial: TrialResult) {
        ratePerSecond = trial.achievedRate
        durationSeconds = trial.seconds
        latency = trial.endToEndLatency.report
        httpLatency = trial.httpLatency.report
        accepted = trial.accepted
        acknowledged = trial.acknowledged
        lost = trial.lost
        errors = trial.requests - trial.accepted
        cpuMicrosecondsPerWebhook = trial.cpuMicrosecondsPerWebhook
        machineShare = trial.machineShare
    }
}
