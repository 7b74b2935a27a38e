import HookcastCore
import Logging

extension Command {
    /// What a log line says of a command: its ids and, when the caller sent one, its trace id, so a line is found
    /// from the caller's own tracing. Never its parameters: a URL can carry a token.
    var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = ["command_id": "\(id)", "event_id": "\(eventID)"]
        if let step { metadata["step"] = "\(step.index)" }
        if let trace { metadata["trace_id"] = "\(trace.traceID)" }
        return metadata
    }
}
