import Foundation
import HookcastTestSupport

extension ChildProcess {
    /// Waits for the process to end by itself and returns its exit status, failing after `limit`.
    func exitStatus(within limit: Duration = .seconds(120), _ what: String) async throws -> Int32 {
        try await withTimeout(limit, what) {
            await withTaskCancellationHandler {
                await self.exitStatus()
            } onCancel: {
                // Ends the blocked wait above. Not `kill()`: that waits for the lock the wait holds.
                _ = Foundation.kill(self.pid, SIGKILL)
            }
        }
    }
}
