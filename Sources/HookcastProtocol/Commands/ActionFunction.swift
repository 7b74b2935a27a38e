/// What a device is told to do. Raw values are the wire names used in the admin API and the MQTT envelope.
public enum ActionFunction: String, Codable, Sendable, CaseIterable {
    case loadURL = "load_url"
    case emergency = "emergency"
    case refreshDatasource = "refresh_datasource"
    case pauseLoop = "pause_loop"
    case resumeLoop = "resume_loop"
    case sendSensorEvent = "send_sensor_event"
    case refreshContent = "refresh_content"
    case restartDevice = "restart_device"
    case showToast = "show_toast"
    case snoozeDevice = "snooze_device"
    case wakeDevice = "wake_device"
    /// Sent by the gateway when an admin cancels a command (`params.command_id`); no action may use it.
    case cancelCommand = "cancel_command"
}
