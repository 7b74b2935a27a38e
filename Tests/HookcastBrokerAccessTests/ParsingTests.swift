import HookcastBrokerAccess
import HookcastProtocol
import Testing

@Suite("Credentials, gateway accounts file, response topics and options")
struct ParsingTests {
    @Test("a credential is exactly 64 lowercase hex digits and reads back as it was written")
    func credential() {
        let hex = Fixtures.credential("secret")
        #expect(hex.count == 64)
        #expect(StoredCredential(hex: hex)?.hex == hex)
        // Leading zeros in every word, and every digit.
        for edge in [
            String(repeating: "0", count: 64), String(repeating: "000000000000000f", count: 4),
            String(repeating: "0123456789abcdef", count: 4), String(repeating: "f", count: 64),
        ] {
            #expect(StoredCredential(hex: edge)?.hex == edge)
        }
        #expect(StoredCredential(hex: hex) == StoredCredential(password: "secret"))
        #expect(StoredCredential(hex: hex.uppercased()) == nil)
        #expect(StoredCredential(hex: String(hex.dropLast())) == nil)
        #expect(StoredCredential(hex: hex + "0") == nil)
        #expect(StoredCredential(password: "secret").matches(password: "secret"))
        #expect(!StoredCredential(password: "secret").matches(password: "secreT"))
        // SHA-256("") is well known: the credential is the plain digest of the UTF-8 bytes.
        #expect(
            StoredCredential(password: "").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("the gateway accounts file: comments and blank lines skipped, a bad line named by number only")
    func gatewayAccounts() throws {
        let credential = Fixtures.credential("pw")
        let accounts = try GatewayAccounts(
            fileContents: "# written by hookcast broker-setup\n\ngateway:\(credential)\r\nsecond:\(credential)\n")
        #expect(accounts.usernames == ["gateway", "second"])
        #expect(throws: GatewayAccountsError.badLine(2)) {
            try GatewayAccounts(fileContents: "ok:\(credential)\nbroken:\(credential.dropLast())\n")
        }
        #expect(throws: GatewayAccountsError.badLine(1)) { try GatewayAccounts(fileContents: ":\(credential)") }
        #expect(throws: GatewayAccountsError.badLine(1)) { try GatewayAccounts(fileContents: "no colon") }
        #expect(!GatewayAccountsError.badLine(2).description.contains(credential))
    }

    @Test("answers go to the response topic or below it only")
    func responseTopic() {
        #expect(ControlResponseTopic.isAllowed("$CONTROL/hookcast/v1/response"))
        #expect(ControlResponseTopic.isAllowed("$CONTROL/hookcast/v1/response/gateway-1"))
        #expect(!ControlResponseTopic.isAllowed("$CONTROL/hookcast/v1/response/"))
        #expect(!ControlResponseTopic.isAllowed("$CONTROL/hookcast/v1/responses"))
        #expect(!ControlResponseTopic.isAllowed("$CONTROL/hookcast/v1/response/+"))
        #expect(!ControlResponseTopic.isAllowed("$CONTROL/hookcast/v1/response/#"))
        #expect(!ControlResponseTopic.isAllowed("hookcast/v1/devices/d1/commands"))
        #expect(!ControlResponseTopic.isAllowed("$CONTROL/hookcast/v1"))
    }

    @Test("plugin options: defaults, values, unknown names kept for the log, bad values refused")
    func options() throws {
        #expect(try BrokerPluginOptions([]) == BrokerPluginOptions())
        let options = try BrokerPluginOptions([
            ("state_dir", "state"), ("gateway_accounts", "gw"), ("other_accounts", "defer"), ("typo", "x"),
            ("other_accounts_file", "/etc/mosquitto/passwd"),
        ])
        #expect(options.stateDirectory == "state" && options.gatewayAccountsFile == "gw")
        #expect(options.otherAccounts == .defer && options.unknown == ["typo"])
        #expect(options.otherAccountsFile == "/etc/mosquitto/passwd" && BrokerPluginOptions().otherAccountsFile == nil)
        #expect(throws: BrokerPluginOptionsError.emptyValue("other_accounts_file")) {
            try BrokerPluginOptions([("other_accounts_file", "")])
        }
        #expect(throws: BrokerPluginOptionsError.badOtherAccounts) {
            try BrokerPluginOptions([("other_accounts", "allow")])
        }
        #expect(throws: BrokerPluginOptionsError.emptyValue("state_dir")) {
            try BrokerPluginOptions([("state_dir", "")])
        }
    }

    @Test("start-up load skips invalid accounts and accounts named like a gateway account")
    func load() {
        var state = Fixtures.state()
        var bad = Fixtures.device("bad")
        bad.credential = "x"
        let skipped = state.load([Fixtures.device("d1", groups: ["g"]), bad, Fixtures.device(Fixtures.gatewayName)])
        #expect(skipped == 2)
        #expect(state.sortedAccounts == [Fixtures.device("d1", groups: ["g"])])
        #expect(state.digest == BrokerAccountDigest([Fixtures.device("d1", groups: ["g"])]))
    }

    @Test("other accounts file: the user names of a mosquitto password_file, comments and blank lines skipped")
    func otherAccountNames() {
        let names = OtherAccountNames(
            fileContents:
                "# operators\r\nadmin:$7$101$c2FsdA==$aGFzaA==\r\n\n  observer:$7$101$eA==$eQ==\nbare-name\n:nobody\n")
        #expect(names.count == 3)
        #expect(names.contains("admin") && names.contains("observer") && names.contains("bare-name"))
        #expect(!names.contains("") && !names.contains("# operators"))
    }
}
