// HookcastProtocol: the device protocol that docs/protocol.md describes, in code. Start there; this module is what
// it says, and nothing more:
//
// - `Topics`: every topic under `hookcast/v1/` (the document's "Topics").
// - `Identifiers/`: `DeviceID`, `GroupID`, `EventID` and their one validation rule.
// - `Commands/`: `CommandEnvelope`, the payload of a command, with its function, parameters, target and sensor data
//   ("Command envelope", "Functions").
// - `Acknowledgements/`: `Acknowledgement`, a device's answer, and its `AcknowledgementStatus` ("Acknowledgement").
// - `Presence/`: `PresenceMessage` and the `ReportedDeviceState` it may carry ("Presence").
// - `Config/`: `DeviceConfigMessage`, a device's group memberships ("Config message").
// - `Emergency/`: `EmergencyStateMessage` and `EmergencyResolver`, how latched scopes combine ("Emergency state").
// - `Broker/`: `BrokerAccessPolicy`, who may publish and subscribe where, for a broker-side component
//   (docs/security.md, "Broker accounts and access control").
// - `HookcastVersion`: the release, which a presence message reports as `agent_version`.
// - `JSON/`: how every message is written and read: sorted keys, millisecond UTC timestamps, and untrusted input
//   checked before Foundation's decoder sees it.
//
// It depends on Foundation only, so a device agent links it without the gateway's store (SQLite) or its keys
// (swift-crypto). The gateway's domain and store, HookcastCore, build on it; a change here changes the wire, so
// change docs/protocol.md in the same commit.
