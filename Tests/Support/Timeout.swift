/// A test step that did not finish in time.
public struct TimedOut: Error, CustomStringConvertible {
    public let what: String
    public var description: String { "timed out: \(what)" }
}

/// The least time any step gets. A limit here only detects a step that never finishes (no test expects one to
/// expire); on a 2-core runner with other suites beside it, steps that usually take a second were seen to take over
/// ten, so a limit as tight as the usual time made the outcome depend on the machine's load.
public let minimumStepLimit = Duration.seconds(120)

/// Runs `operation`, failing with `TimedOut` if it takes longer than `duration` (at least `minimumStepLimit`).
public func withTimeout<Result: Sendable>(
    _ duration: Duration,
    _ what: String = "operation",
    _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    let limit = max(duration, minimumStepLimit)
    return try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(what: what)
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw TimedOut(what: what) }
        return result
    }
}
