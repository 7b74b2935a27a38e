// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import Foundation
    import HookcastDevice
    import Logging

    /// Starts COUNT simulated devices against an open broker and prints how long they took to connect (CONNACK) and
    /// the resident memory they added. Usage: fleet-connect-bench PORT COUNT [ID_PREFIX]
    @main
    enum FleetConnectBenchmark {
        static func main() async throws {
            let arguments = Array(CommandLine.arguments.dropFirst())
            guard arguments.count >= 2, let port = Int(arguments[0]), let count = Int(arguments[1]) else {
                FileHandle.standardError.write(Data("usage: fleet-connect-bench PORT COUNT [ID_PREFIX]\n".utf8))
                exit(2)
            }
            let prefix = arguments.count > 2 ? arguments[2] : "bench-\(UUID().uuidString.prefix(4).lowercased())-"
            var logger = Logger(label: "fleet-connect-bench")
            logger.logLevel = .warning
            let residentBefore = ProcessMemory.residentBytes() ?? 0
            let started = ContinuousClock.now
            let simulator = try FleetSimulator(
                configuration: FleetSimulator.Configuration(
                    count: count, idPrefix: prefix, mqttPort: port, logger: logger))
            var half: Duration?
            while simulator.statistics.connected < count {
                if half == nil, simulator.statistics.connected >= count / 2 { half = ContinuousClock.now - started }
                guard ContinuousClock.now - started < .seconds(300) else {
                    print("gave up: \(simulator.statistics.connected)/\(count) connected after 300 s")
                    exit(1)
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            let connected = ContinuousClock.now - started
            // Let the online presences and subscriptions settle before measuring memory.
            try await Task.sleep(for: .seconds(2))
            let residentAfter = ProcessMemory.residentBytes() ?? 0
            let perDevice = Double(residentAfter - residentBefore) / Double(count) / 1024
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
            print(
                """
                devices: \(count)  all connected in: \(connected)  half in: \(half ?? connected)  \
                rate: \(Int(Double(count) / (Double(connected.components.attoseconds) / 1e18 + Double(connected.components.seconds))))/s
                RSS before: \(residentBefore / 1024) KiB  after: \(residentAfter / 1024) KiB  \
                per device: \(String(format: "%.1f", perDevice)) KiB  open descriptors: \(descriptors)
                """)
            await simulator.stop()
        }
    }
#else
    @main
    enum FleetConnectBenchmark {
        static func main() { print("fleet-connect-bench needs Linux (epoll)") }
    }
#endif
