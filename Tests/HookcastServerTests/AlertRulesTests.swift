import Foundation
import HookcastProtocol
import HookcastTestSupport
import Testing

/// docs/alerts/hookcast.rules.yml against what a running gateway's `/metrics` exports: an alert on a metric or a
/// label the gateway never exports would stay silent for ever, and nothing else would notice.
@Suite("Prometheus alert rules")
struct AlertRulesTests {
    static let rulesFile = RepositoryFiles.root.appendingPathComponent("docs/alerts/hookcast.rules.yml")

    /// A metric a rule selects, with the labels its matchers name.
    struct Selector: Hashable {
        let metric: String
        let labels: Set<String>
    }

    /// The `expr:` of every rule, read line by line (the file keeps each on one line).
    static func expressions() throws -> [String] {
        let text = try String(contentsOf: rulesFile, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("expr:") else { return nil }
            return trimmed.dropFirst("expr:".count).trimmingCharacters(in: .whitespaces)
        }
    }

    static func selectors(in expression: String) throws -> [Selector] {
        try expression.matches(of: Regex(#"(hookcast_[a-z_]+)(\{([^}]*)\})?"#)).map { match in
            let matchers = match.output[3].substring.map(String.init) ?? ""
            let labels = try matchers.matches(of: Regex(#"([a-zA-Z_]+)\s*(=~|!~|!=|=)"#)).compactMap {
                $0.output[1].substring.map(String.init)
            }
            return Selector(metric: String(match.output[1].substring ?? ""), labels: Set(labels))
        }
    }

    /// Metric name → the label names of its samples, from Prometheus's text format.
    static func exported(_ text: String) -> [String: Set<String>] {
        var metrics: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            var labels: Set<String> = []
            if let open = line.firstIndex(of: "{"), let close = line.firstIndex(of: "}") {
                for pair in line[line.index(after: open)..<close].split(separator: ",") {
                    labels.insert(String(pair.prefix { $0 != "=" }))
                }
            }
            metrics[name, default: []].formUnion(labels)
        }
        return metrics
    }

    @Test("Every hookcast_* metric and label the rules use is exported by a gateway that has seen that traffic")
    func rulesUseExportedMetrics() async throws {
        let selectors = Set(try Self.expressions().flatMap { try Self.selectors(in: $0) })
        let metrics = Set(selectors.map(\.metric))
        #expect(metrics.count >= 5, "the rules were read: \(metrics)")
        let broker = try await TestBroker()
        let (answering, silent) = (AcknowledgementTests.unique("alerts"), AcknowledgementTests.unique("silent"))
        // A deadline of 1 s: the silent device's command is timed out and redelivered while the test waits for it.
        try await GatewayHarness.run(mqttPort: broker.port, acknowledgementDeadline: .seconds(1)) { gateway in
            for device in [answering, silent] {
                _ = try await gateway.admin(.post, "devices", #"{"id":"\#(device)"}"#)
                _ = try await gateway.admin(
                    .post, "actions",
                    #"{"event_id":"\#(device)","function":"refresh_content","target":{"kind":"device","id":"\#(device)"}}"#
                )
            }
            let key = try await gateway.createKey().secret
            let (agent, task) = try await EndToEndTests.startAgent(answering, broker: broker, gateway: gateway)
            // Counters appear at their first use: an acknowledged command, a redelivered one, webhook answers.
            let answer = try await EndToEndTests.trigger(gateway, key: key, event: answering)
            #expect(answer["complete"] == .bool(true), "\(answer.text)")
            #expect(try await gateway.postWebhook(key: key, body: #"{"event_id":"\#(silent)"}"#).status == .ok)
            let scraped = try await withTimeout(.seconds(120), "every metric the rules use is exported") {
                while true {
                    let text = try await gateway.request(.get, "/metrics").text
                    let exported = Self.exported(text)
                    if metrics.allSatisfy({ exported[$0] != nil }) { return exported }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            for selector in selectors {
                let labels = scraped[selector.metric] ?? []
                #expect(selector.labels.isSubset(of: labels), "\(selector.metric) has labels \(labels.sorted())")
            }
            await agent.stop()
            _ = try? await task.value
        }
        withExtendedLifetime(broker) {}
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    /// Whether python3 with PyYAML is here (Debian's python3-yaml): the shape check below needs a YAML parser.
    static let canReadYAML: Bool = {
        guard
            let process = try? ChildProcess(
                executable: "/usr/bin/python3", arguments: ["-c", "import yaml"], directory: RepositoryFiles.root,
                logFile: URL(fileURLWithPath: "/dev/null"))
        else { return false }
        return process.waitForExit() == 0
    }()

    @Test(
        "The file is a Prometheus rule file, read by a YAML parser as by the line reader above",
        .enabled(if: AlertRulesTests.canReadYAML, "python3 cannot import yaml (apt-get install python3-yaml)"))
    func ruleFileShape() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = try ChildProcess(
            executable: "/usr/bin/python3",
            arguments: [
                "-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
                Self.rulesFile.path,
            ],
            directory: RepositoryFiles.root, logFile: output)
        #expect(try await process.exitStatus("python3 reads the rule file") == 0)
        let document = try UntrustedJSON.decode(try Data(contentsOf: output))
        guard case .array(let groups)? = document.field("groups"), !groups.isEmpty else {
            Issue.record("no groups: \(document)")
            return
        }
        var expressions: [String] = []
        for group in groups {
            #expect(Self.string(group.field("name"))?.isEmpty == false)
            guard case .array(let rules)? = group.field("rules"), !rules.isEmpty else {
                Issue.record("a group without rules: \(group)")
                continue
            }
            for rule in rules {
                let alert = Self.string(rule.field("alert")) ?? ""
                #expect(alert.wholeMatch(of: try Regex("[A-Za-z_][A-Za-z0-9_]*")) != nil, "alert name \(alert)")
                expressions.append(Self.string(rule.field("expr")) ?? "")
                if let duration = rule.field("for") {
                    #expect(
                        Self.string(duration)?.wholeMatch(of: try Regex("[0-9]+[smhd]")) != nil,
                        "\(alert): for \(duration)")
                }
                let severity = Self.string(rule.field("labels")?.field("severity"))
                #expect(
                    ["critical", "warning", "info"].contains(severity),
                    "\(alert): severity \(String(describing: severity))")
                #expect(Self.string(rule.field("annotations")?.field("summary"))?.isEmpty == false, "\(alert)")
            }
        }
        #expect(expressions == (try Self.expressions()), "each expr is on one line, as the metric check reads it")
    }
}
