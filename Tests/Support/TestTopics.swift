import Foundation
import HookcastProtocol

/// The topic prefix the tests run under: `HOOKCAST_TEST_TOPIC_PREFIX`, or the default. scripts/test runs the
/// end-to-end and access-control suites a second time under `acme/signage/hookcast`, so nothing that only works
/// under `hookcast/v1` goes unnoticed; it exports `HOOKCAST_TOPIC_PREFIX` too, for the gateways and devices the tests
/// start as processes.
public let testTopics: Topics = {
    guard let prefix = ProcessInfo.processInfo.environment["HOOKCAST_TEST_TOPIC_PREFIX"], !prefix.isEmpty else {
        return .standard
    }
    do {
        return try Topics(prefix: prefix)
    } catch {
        fatalError("HOOKCAST_TEST_TOPIC_PREFIX: \(error)")
    }
}()
