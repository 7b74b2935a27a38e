import Foundation
import HookcastProtocol

/// What `DeliveryLifecycle` asks its driver to do. The lifecycle never does I/O; the driver performs each action
/// and reports the outcome back as an event. The lifecycle keeps at most one action of each reading or writing kind
/// in flight, so the driver may run them concurrently.
public enum DeliveryAction: Sendable, Equatable {
    /// After a (re)connect: publish every device's retained config and every latched emergency state again.
    case resendRetained
    /// Read up to `limit` unpublished commands, oldest first, only those at least `minimumAge` old when given;
    /// report with `outboxRead` or `outboxReadFailed`.
    case readOutbox(limit: Int, minimumAge: TimeInterval?)
    /// Publish these commands on their target topics, in order; report each with `published` or `publishFailed`.
    case publish([Command])
    /// Give up publishing a command that expired before it went out: record why, so it leaves the outbox.
    case expire(Command)
    /// Store these publish times in one write; report with `publishTimesRecorded`.
    case recordPublished([PublishedCommand])
    /// Read the summaries of the unsettled, unexpired commands issued before `overdueBefore` and, when
    /// `awaitingAnswerFrom` is not empty (devices came back), of those of any age that one of these devices owes an
    /// answer; report with `unsettledRead` or `scanFailed`.
    case readUnsettled(overdueBefore: Date, awaitingAnswerFrom: Set<DeviceID>, limit: Int, at: Date)
    /// Read these due commands in full (those still unsettled) and which devices answered them; report with
    /// `dueRead` or `scanFailed`.
    case readDue([UUID])
    /// Send each redelivery to its devices' own topics, record the ones sent, mark `settle` settled; report with
    /// `scanFinished` or `scanFailed`.
    case redeliver([Redelivery], settle: [UUID], at: Date)
}

/// A command the broker acknowledged, and when.
public struct PublishedCommand: Sendable, Equatable {
    public let id: UUID
    public let at: Date

    public init(id: UUID, at: Date) {
        self.id = id
        self.at = at
    }
}

/// One command sent again to the devices that owe an answer.
public struct Redelivery: Sendable, Equatable {
    public enum Reason: String, Sendable {
        /// The acknowledgement deadline (or the next backoff step) passed.
        case deadline
        /// The devices came back online; the others keep their backoff.
        case deviceBackOnline = "device back online"
    }

    public let command: Command
    public let devices: [DeviceID]
    /// 1 for the first redelivery of this command.
    public let attempt: Int
    public let reason: Reason
}

/// What the webhook path does with a command it just stored.
public enum FirstPublish: Sendable, Equatable {
    /// Publish it now, on the caller's task; then report `published` or `publishFailed`.
    case publish
    /// Leave it to the outbox: the broker is away.
    case queued
    /// It expired already; the driver records that (`expire`) and reports it unpublished.
    case expired
}
