import ArgumentParser
import Foundation
import HookcastDevice
import Logging

#if os(Linux)
    extension DeviceCommand {
        /// `--count N`: simulated devices on one thread until SIGINT or SIGTERM, with a summary line every 5 seconds.
        func runFleet() async throws {
            guard let count = fleet.count else { return }
            guard try mqttTLS.tlsConfiguration() == nil else {
                throw ValidationError("--count does not support TLS to the broker yet.")
            }
            var logger = Logger(label: "hookcast.fleet")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let credentials: FleetCredentials
            if let directory = fleet.passwordsDirectory {
                credentials = .perDevice(directory: URL(fileURLWithPath: directory, isDirectory: true))
            } else if let password = Environment.value("HOOKCAST_MQTT_PASSWORD") {
                credentials = .shared(password: password)
            } else {
                credentials = .none
            }
            // A FleetError reads as a sentence; ArgumentParser prints it without the usage.
            let simulator = try FleetSimulator(
                configuration: FleetSimulator.Configuration(
                    count: count, idPrefix: fleet.idPrefix, startIndex: fleet.startIndex, mqttHost: mqttHost,
                    mqttPort: mqttPort, credentials: credentials, sessionExpiry: sessionExpiry, logger: logger,
                    topics: try topicPrefix.topics()))
            logger.info(
                "fleet starting",
                metadata: [
                    "devices": "\(count)", "first": "\(simulator.deviceIDs.first?.rawValue ?? "")",
                    "broker": "\(mqttHost):\(mqttPort)",
                ])
            let stopped = AsyncStream<Int32>.makeStream()
            let signals = StopSignals { signal in stopped.continuation.yield(signal) }
            defer { signals.cancel() }
            let summaries = Task {
                while (try? await Task.sleep(for: .seconds(5))) != nil {
                    let statistics = simulator.statistics
                    let resident = ProcessMemory.residentBytes() ?? 0
                    logger.info(
                        "fleet",
                        metadata: [
                            "connected": "\(statistics.connected)/\(statistics.devices)",
                            "acknowledged": "\(statistics.commandsAcknowledged)",
                            "rss_mib": "\(resident / 1_048_576)",
                        ])
                }
            }
            for await signal in stopped.stream {
                logger.notice("stopping", metadata: ["signal": "\(signal)"])
                break
            }
            summaries.cancel()
            await simulator.stop()
            logger.info("fleet stopped")
        }
    }
#else
    extension DeviceCommand {
        func runFleet() async throws {
            throw ValidationError("--count needs Linux: the simulator drives its devices with epoll.")
        }
    }
#endif
