import CMosquitto
import Testing

@testable import Mosquitto

/// Waiters are numbers and observers and receivers names, so a test can say exactly who was resumed or told what.
typealias TestStateMachine = ClientStateMachine<Int, String, String>

extension MQTTClient.Configuration {
    static var unitTest: Self {
        MQTTClient.Configuration(
            host: "broker.test", port: 1883, clientID: "unit", connectTimeout: .seconds(10), reconnectDelay: 1...30,
            acknowledgementTimeout: .seconds(30), offlineWaitTimeout: .seconds(10))
    }
}

/// Drives a state machine as `MosquittoHandle` does, recording what each observer is told, and keeps the clock.
struct StateMachineHarness {
    var machine = TestStateMachine(configuration: .unitTest)
    var now = ContinuousClock.now
    /// Every state each observer was told, in order.
    private(set) var told: [String: [MQTTConnectionState]] = [:]
    private(set) var finished: Set<String> = []

    var configuration: MQTTClient.Configuration { machine.configuration }

    /// Delivers the action's observer events (and any queued meanwhile) and returns the action.
    @discardableResult
    mutating func run(_ action: TestStateMachine.Action) -> TestStateMachine.Action {
        var batch = action.observerEvents
        while let events = batch {
            for event in events {
                switch event {
                case .yield(let state, let observers):
                    for observer in observers { told[observer, default: []].append(state) }
                case .finish(let observers):
                    finished.formUnion(observers)
                }
            }
            batch = machine.nextObserverEvents()
        }
        return action
    }

    /// Closes the client; `deliver` false leaves its observer events undelivered, as a caller still delivering would.
    @discardableResult
    mutating func close(deliver: Bool = true) throws -> TestStateMachine.Action {
        let closing = machine.close()
        let action = try #require(closing)
        return deliver ? run(action) : action
    }

    mutating func advance(by duration: Duration) {
        now += duration
    }

    mutating func observe(_ name: String) {
        run(machine.addObserver(name).action)
    }

    /// connect() with waiter `waiter`, up to an opened TCP connection and a started network loop.
    mutating func startConnecting(_ waiter: Int = 1) {
        run(machine.connect(waiter, now: now))
        run(machine.connectionOpened(attempt: machine.connectAttempt, code: MOSQ_ERR_SUCCESS.rawValue, failure: ""))
        run(machine.networkLoopStarted(code: MOSQ_ERR_SUCCESS.rawValue))
    }

    /// A successful CONNACK, the subscriptions restored, and the action that ends it.
    @discardableResult
    mutating func receiveConnack(sessionPresent: Bool = false) -> TestStateMachine.Action {
        switch machine.connackReceived(reason: .success, now: now) {
        case .done(let action):
            return run(action)
        case .restore(let filters, let waiter):
            var mid: Int32 = 100
            for filter in filters.keys.sorted() {
                mid += 1
                machine.subscriptionRestored(filter: filter, mid: mid, now: now)
            }
            return run(machine.subscriptionsRestored(sessionPresent: sessionPresent, waiter: waiter))
        }
    }

    mutating func connect(_ waiter: Int = 1, sessionPresent: Bool = false) {
        startConnecting(waiter)
        receiveConnack(sessionPresent: sessionPresent)
    }

    func toldStates(_ observer: String) -> [MQTTConnectionState] {
        told[observer] ?? []
    }
}

/// One waiter resumed, and with what.
struct Resumption: Equatable {
    var waiter: Int
    var result: Result<Reply, MQTTError>

    static func success(_ waiter: Int, _ reply: Reply) -> Self { Self(waiter: waiter, result: .success(reply)) }
    static func failure(_ waiter: Int, _ error: MQTTError) -> Self { Self(waiter: waiter, result: .failure(error)) }
}

extension ClientAction where Waiter == Int {
    /// Who was resumed, with what, in order.
    var resumed: [Resumption] {
        resumptions.map { Resumption(waiter: $0.waiter, result: $0.result) }
    }
}
