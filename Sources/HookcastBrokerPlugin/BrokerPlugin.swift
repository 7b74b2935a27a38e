import CMosquittoBroker
import Foundation
import HookcastBrokerAccess
import HookcastProtocol

/// The plugin's state, one object reached through the userdata mosquitto passes to every callback. Every method
/// runs on the broker's thread (mosquitto 2.0 calls plugins only from its one main loop), which is why nothing here
/// is locked. The journal's own thread touches only the journal and the copies of the tables it is given.
final class BrokerPlugin {
    let identifier: OpaquePointer
    let options: BrokerPluginOptions
    var state: BrokerAccessState
    let journal: AccountJournal
    var compactions = CompactionSchedule()
    /// Devices' acknowledgements gathered for the gateways that ask (`BrokerPlugin+Gathering.swift`).
    var gathering: AcknowledgementGathering
    let deferredLog = DeferredLog()
    /// The control topic as a C string for registering and unregistering MOSQ_EVT_CONTROL; freed in `close`.
    let controlTopic: UnsafeMutablePointer<CChar>
    private var registered: [mosquitto_plugin_event] = []

    init(identifier: OpaquePointer, options: BrokerPluginOptions) throws {
        self.identifier = identifier
        self.options = options
        gathering = AcknowledgementGathering(topics: options.topics)
        for key in options.unknown { BrokerLog.warning("unknown option plugin_opt_\(key) ignored") }
        let gateways = try Self.readGatewayAccounts(options.gatewayAccountsFile)
        try Self.createStateDirectory(options.stateDirectory)
        let deferredLog = deferredLog
        let otherAccounts = try options.otherAccountsFile.map(Self.readOtherAccounts) ?? OtherAccountNames()
        journal = try AccountJournal(directory: options.stateDirectory) { deferredLog.append($0) }
        state = BrokerAccessState(
            gateways: gateways, otherAccounts: otherAccounts, topics: options.topics, bridges: options.bridges)
        let contents = try journal.loadContents()
        let skipped = state.load(contents.devices) + state.loadClients(contents.clients)
        if skipped > 0 { BrokerLog.warning("\(skipped) invalid accounts in the journal left out") }
        guard let controlTopic = strdup(BrokerControl.requestTopic) else { throw BrokerPluginError.outOfMemory }
        self.controlTopic = controlTopic
        deferredLog.drain()
        BrokerLog.notice(
            "\(state.devices.count) device accounts and \(state.clientAccounts.count) client accounts from \(options.stateDirectory), \(gateways.count) gateway "
                + "accounts from \(options.gatewayAccountsFile); other accounts: \(options.otherAccounts.rawValue)"
                + (options.otherAccountsFile.map { ", \(otherAccounts.count) of them named in \($0)" } ?? "")
                + "; topic prefix \(options.topics.root)")
    }

    /// Reads the other accounts' names; an error names the file only.
    static func readOtherAccounts(_ path: String) throws -> OtherAccountNames {
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BrokerPluginError.otherAccounts(path: path)
        }
        return OtherAccountNames(fileContents: contents)
    }

    /// Reads the gateway accounts file; an error names the file and the line, never its content.
    static func readGatewayAccounts(_ path: String) throws -> GatewayAccounts {
        let contents: String
        do {
            contents = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw BrokerPluginError.gatewayAccounts(path: path, reason: "cannot be read")
        }
        do {
            return try GatewayAccounts(fileContents: contents)
        } catch {
            throw BrokerPluginError.gatewayAccounts(path: path, reason: error.description)
        }
    }

    private static func createStateDirectory(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw BrokerPluginError.stateDirectory(path: path, errno: errno)
        }
    }

    /// mosquitto's options as (name without `plugin_opt_`, value) pairs.
    static func options(_ options: UnsafeMutablePointer<mosquitto_opt>?, count: Int32) throws -> BrokerPluginOptions {
        var pairs: [(key: String, value: String)] = []
        if let options {
            for index in 0..<Int(max(count, 0)) {
                guard let key = options[index].key, let value = options[index].value else { continue }
                pairs.append((String(cString: key), String(cString: value)))
            }
        }
        return try BrokerPluginOptions(pairs)
    }

    /// The events the plugin answers, with their callbacks (in BrokerPlugin+Callbacks.swift) and event data.
    private var callbacks:
        [(event: mosquitto_plugin_event, callback: MOSQ_FUNC_generic_callback, data: UnsafeRawPointer?)]
    {
        [
            (MOSQ_EVT_BASIC_AUTH, brokerPluginBasicAuth, nil),
            (MOSQ_EVT_ACL_CHECK, brokerPluginACLCheck, nil),
            // Only requests to this topic reach the control callback.
            (MOSQ_EVT_CONTROL, brokerPluginControl, UnsafeRawPointer(controlTopic)),
            (MOSQ_EVT_RELOAD, brokerPluginReload, nil),
            // Attests who sent a trigger (`attest`); gathers acknowledgements (`gather`).
            (MOSQ_EVT_MESSAGE, brokerPluginMessage, nil),
            // Logs what the journal's thread had to say; starts a compaction that waited for a pause; publishes
            // the acknowledgements gathered in the loop's turn.
            (MOSQ_EVT_TICK, brokerPluginTick, nil),
        ]
    }

    /// Runs `body` on the state where it is stored. A call on `state` itself (`state.authorize(…)`) first copies
    /// the whole value out of this object, retaining every table in it, and releases them after: about half of an
    /// access check's time in a profile of the broker, and mosquitto checks every message delivered. An inout
    /// access copies nothing, and it cannot conflict with another: every callback runs on the broker's one thread
    /// and none calls back into the plugin.
    @inline(__always)
    func inPlace<Result>(_ body: (inout BrokerAccessState) -> Result) -> Result {
        body(&state)
    }

    /// The same for `gathering`, which the callbacks ask about every message and every delivery.
    @inline(__always)
    func gatheringInPlace<Result>(_ body: (inout AcknowledgementGathering) -> Result) -> Result {
        body(&gathering)
    }

    func registerCallbacks(userdata: UnsafeMutableRawPointer) -> Bool {
        for (event, callback, data) in callbacks {
            let result = mosquitto_callback_register(identifier, Int32(event.rawValue), callback, data, userdata)
            guard result == MOSQ_ERR_SUCCESS.rawValue else {
                BrokerLog.error("registering for event \(event.rawValue) failed (\(result))")
                return false
            }
            registered.append(event)
        }
        return true
    }

    func unregisterCallbacks() {
        for (event, callback, data) in callbacks where registered.contains(event) {
            _ = mosquitto_callback_unregister(identifier, Int32(event.rawValue), callback, data)
        }
        registered.removeAll()
    }

    /// Stops the journal (it writes what it holds) and frees what init allocated.
    func close() {
        journal.close()
        deferredLog.drain()
        free(controlTopic)
    }
}

enum BrokerPluginError: Error, CustomStringConvertible {
    case gatewayAccounts(path: String, reason: String)
    case stateDirectory(path: String, errno: Int32)
    case otherAccounts(path: String)
    case outOfMemory

    var description: String {
        switch self {
        case .gatewayAccounts(let path, let reason): "the gateway accounts file \(path) \(reason)"
        case .stateDirectory(let path, let errno):
            "the state directory \(path) cannot be created: \(String(cString: strerror(errno)))"
        case .otherAccounts(let path): "the other accounts file \(path) cannot be read"
        case .outOfMemory: "out of memory"
        }
    }
}
