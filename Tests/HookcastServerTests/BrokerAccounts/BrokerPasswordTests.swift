import Foundation
import Testing

@testable import HookcastServer

/// Generated broker passwords and the credential the plugin and the store keep of them.
@Suite("Broker passwords")
struct BrokerPasswordTests {
    @Test func passwordsAre192RandomBitsInURLSafeBase64() throws {
        let passwords = BrokerPassword.generate(count: 10_000)
        #expect(passwords.count == 10_000)
        #expect(Set(passwords).count == 10_000)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var ones = 0
        for password in passwords {
            #expect(password.utf8.count == 32)
            #expect(password.utf8.allSatisfy(alphabet.contains))
            let bytes = try #require(Base64URL.decode(password))
            #expect(bytes.count == 24)
            ones += bytes.reduce(0) { $0 + $1.nonzeroBitCount }
        }
        // 1,920,000 random bits: the share of ones is 0.5 within a few thousandths (six standard deviations
        // are 0.002), far from what a stuck or skipped part of the buffer would give.
        #expect(abs(Double(ones) / 1_920_000 - 0.5) < 0.003)
        #expect(BrokerPassword.generate(count: 0) == [])
        #expect(BrokerPassword.generate().utf8.count == 32)
    }

    @Test func credentialIsTheLowerCaseHexSHA256() {
        // FIPS 180-2's test vector for "abc".
        #expect(
            BrokerCredential.of(password: "abc")
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            BrokerCredential.of(password: "")
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
