import Foundation
import HookcastCore
import Logging

/// Does the time an API-key check takes tell an attacker anything? Authenticates the right key and several kinds
/// of wrong keys against a real SQLite store, interleaved round-robin so drift hits all kinds alike, and prints
/// the median and tail of each beside the random wrong key.
///
/// Usage: key-timing-bench [ROUNDS] (default 20000 per kind).
@main
struct KeyTimingBenchmark {
    static func main() async throws {
        let rounds = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("key-timing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "key-timing")
        logger.logLevel = .error
        let store = try await SQLiteStore.open(dataDirectory: directory, logger: logger)
        let service = APIKeyService(vault: try KeyVault.loadOrCreate(in: directory), repository: store.keys)
        for index in 0..<100 { _ = try await service.create(name: "filler \(index)") }
        let (_, right, _) = try await service.create(name: "right")
        let (disabledKey, disabled, _) = try await service.create(name: "disabled")
        try await service.setEnabled(id: disabledKey.id, false)
        // The right key is used once first, so the once-a-minute "last used" write is not in the samples.
        _ = try await service.authenticate(right.value)

        let value = right.value
        let kinds: [(String, @Sendable () -> String)] = [
            ("wrong key, random", { APIKeySecret.generate().value }),
            ("right key", { value }),
            ("wrong in the last character", { String(value.dropLast()) + (value.last == "A" ? "B" : "A") }),
            (
                "wrong in the first random character",
                {
                    let index = value.index(value.startIndex, offsetBy: 3)
                    return String(value[..<index]) + (value[index] == "A" ? "B" : "A")
                        + value[value.index(after: index)...]
                }
            ),
            ("disabled key", { disabled.value }),
            ("not a key (no hk_ prefix)", { "xx_" + value.dropFirst(3) }),
            ("over-long (1 KiB)", { "hk_" + String(repeating: "a", count: 1024) }),
        ]
        var samples = Array(repeating: [UInt64](), count: kinds.count)
        for _ in 0..<rounds {
            for (index, kind) in kinds.enumerated() {
                let presented = kind.1()
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try await service.authenticate(presented)
                samples[index].append(DispatchTime.now().uptimeNanoseconds - start)
            }
        }
        try await store.close()

        let baseline = median(samples[0])
        print("API key check, \(rounds) rounds per kind (µs; ratio = median / median of a random wrong key)")
        print(pad("kind", 38) + pad("median", 10) + pad("p90", 10) + pad("p99", 10) + "ratio")
        for (index, kind) in kinds.enumerated() {
            let sorted = samples[index].sorted()
            print(
                pad(kind.0, 38) + pad(micro(median(sorted)), 10) + pad(micro(sorted[sorted.count * 9 / 10]), 10)
                    + pad(micro(sorted[sorted.count * 99 / 100]), 10)
                    + String(format: "%.2f", Double(median(sorted)) / Double(baseline)))
        }
    }

    static func median(_ values: [UInt64]) -> UInt64 { values.sorted()[values.count / 2] }
    static func micro(_ nanoseconds: UInt64) -> String { String(format: "%.1f", Double(nanoseconds) / 1000) }
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
