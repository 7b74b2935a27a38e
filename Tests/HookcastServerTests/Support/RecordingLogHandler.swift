import Logging
import Synchronization

/// Every line a logger wrote at its level or above, with its metadata, for tests that check what a log says.
final class RecordedLog: Sendable {
    struct Line: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])
    var all: [Line] { lines.withLock { $0 } }
    func append(_ line: Line) { lines.withLock { $0.append(line) } }

    /// A logger writing into this record, at `level` and above.
    func logger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "hookcast") { _ in RecordingLogHandler(log: self) }
        logger.logLevel = level
        return logger
    }
}

struct RecordingLogHandler: LogHandler {
    let log: RecordedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        let merged = self.metadata.merging(metadata ?? [:]) { $1 }
        log.append(
            RecordedLog.Line(
                level: level, message: message.description, metadata: merged.mapValues { $0.description }))
    }
}
