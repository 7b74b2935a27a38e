import Foundation
import HookcastProtocol

/// One triggering of an action, as recorded before it is published to devices.
public struct Command: Sendable, Encodable, Equatable {
    public var id: UUID
    public var eventID: EventID
    public var actionName: String
    public var function: ActionFunction
    public var params: ActionParameters
    public var sensorData: SensorData?
    public var target: ActionTarget
    /// The devices the target resolved to when the command was issued (sorted).
    public var expectedDevices: [DeviceID]
    public var issuedAt: Date
    public var expiresAt: Date
    /// The key that triggered it; nil for the admin's "test action".
    public var apiKeyID: UUID?
    public var source: CommandSource
    public var publishedAt: Date?
    /// Why the last publish attempt failed; cleared once published.
    public var publishError: String?
    /// Answers from devices outside `expectedDevices`: counted, never stored. Kept by the store, not the API's
    /// command body (the delivery report shows it as `extra`).
    public var extraAcknowledgements: Int = 0
    /// When an admin cancelled it (`CommandRepository.cancel`): not sent again, and devices that had not answered
    /// show `cancelled`.
    public var cancelledAt: Date?
    /// The step this command is of an action with several (`Action.moreSteps`); nil for a single-step action.
    public var step: TriggerStep?
    /// The caller's W3C trace context, carried to devices as MQTT v5 user properties; every step of a call has it.
    public var trace: TraceContext?

    /// Dates are kept to the millisecond, the precision the store and the envelope keep.
    public init(
        id: UUID = .random(),
        eventID: EventID,
        actionName: String,
        function: ActionFunction,
        params: ActionParameters,
        sensorData: SensorData?,
        target: ActionTarget,
        expectedDevices: [DeviceID],
        issuedAt: Date,
        expiresAt: Date,
        apiKeyID: UUID?,
        source: CommandSource,
        publishedAt: Date? = nil,
        publishError: String? = nil,
        extraAcknowledgements: Int = 0,
        cancelledAt: Date? = nil,
        step: TriggerStep? = nil,
        trace: TraceContext? = nil
    ) {
        self.id = id
        self.eventID = eventID
        self.actionName = actionName
        self.function = function
        self.params = params
        self.sensorData = sensorData
        self.target = target
        self.expectedDevices = expectedDevices
        self.issuedAt = issuedAt.roundedToMilliseconds
        self.expiresAt = expiresAt.roundedToMilliseconds
        self.apiKeyID = apiKeyID
        self.source = source
        self.publishedAt = publishedAt?.roundedToMilliseconds
        self.publishError = publishError
        self.extraAcknowledgements = extraAcknowledgements
        self.cancelledAt = cancelledAt?.roundedToMilliseconds
        self.step = step
        self.trace = trace
    }

    enum CodingKeys: String, CodingKey {
        case id
        case eventID = "event_id"
        case actionName = "action_name"
        case function, params
        case sensorData = "sensor_data"
        case target
        case expectedDevices = "expected_devices"
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case apiKeyID = "api_key_id"
        case source
        case publishedAt = "published_at"
        case publishError = "publish_error"
        case cancelledAt = "cancelled_at"
        case triggerID = "trigger_id"
        case stepIndex = "step"
        case trace
    }
}

extension Command {
    /// Ids are written in lower case, as everywhere else in the API and on the wire (Foundation's default is upper).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.lowercasedString, forKey: .id)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(actionName, forKey: .actionName)
        try container.encode(function, forKey: .function)
        try container.encode(params, forKey: .params)
        try container.encodeIfPresent(sensorData, forKey: .sensorData)
        try container.encode(target, forKey: .target)
        try container.encode(expectedDevices, forKey: .expectedDevices)
        try container.encode(issuedAt, forKey: .issuedAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encodeIfPresent(apiKeyID?.lowercasedString, forKey: .apiKeyID)
        try container.encode(source, forKey: .source)
        try container.encodeIfPresent(publishedAt, forKey: .publishedAt)
        try container.encodeIfPresent(publishError, forKey: .publishError)
        try container.encodeIfPresent(cancelledAt, forKey: .cancelledAt)
        try container.encodeIfPresent(step?.triggerID.lowercasedString, forKey: .triggerID)
        try container.encodeIfPresent(step?.index, forKey: .stepIndex)
        try container.encodeIfPresent(trace, forKey: .trace)
    }
}
