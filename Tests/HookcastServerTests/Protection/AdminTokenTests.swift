import Foundation
import HTTPTypes
import HookcastCore
import HookcastTestSupport
import Testing

@testable import HookcastServer

/// Issue 15, finding 6: a replaced admin token stops working for good, short tokens are refused, a token rotated
/// while the gateway runs takes effect at once, and guessing is throttled per address.
@Suite("Admin token: replacement, rotation, minimum length and sign-in throttle")
struct AdminTokenTests {
    static let first = "first-admin-token-abcdefghijklmnopqrstuvwxyz"
    static let second = "second-admin-token-abcdefghijklmnopqrstuvwxyz"

    /// An allowance earned back every 6 s let a loaded CI runner, slower than that between a test's first wrong
    /// token and its check, see 401 where 429 was due (seen: 18 s for eleven requests).
    static func noRefillDuringTheTest(_ settings: inout ServerConfiguration) {
        settings.adminSignInRefill = .seconds(3600)
    }

    static func withDirectory(_ body: (URL) async throws -> Void) async throws {
        let directory = GatewayHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
    }

    @Test(
        "A changed HOOKCAST_ADMIN_TOKEN replaces the stored hash: the old token does not come back when the variable is dropped"
    )
    func changedEnvironmentTokenRevokesTheOld() async throws {
        try await Self.withDirectory { directory in
            _ = try AdminToken.loadOrCreate(dataDirectory: directory, fromEnvironment: Self.first)
            let changed = try AdminToken.loadOrCreate(dataDirectory: directory, fromEnvironment: Self.second)
            #expect(changed.token.matches(Self.second))
            #expect(!changed.token.matches(Self.first))
            let dropped = try AdminToken.loadOrCreate(dataDirectory: directory, fromEnvironment: nil)
            #expect(dropped.newlyGenerated == nil)
            #expect(dropped.token.matches(Self.second))
            #expect(!dropped.token.matches(Self.first), "the replaced token must stay revoked")
        }
    }

    @Test("A token under 32 characters stops the gateway at start with a sentence that names the rule, not the token")
    func shortTokenRefused() async throws {
        try await Self.withDirectory { directory in
            #expect(throws: AdminTokenError.tooShort) {
                _ = try AdminToken.loadOrCreate(dataDirectory: directory, fromEnvironment: "short-secret-1234")
            }
            #expect(
                !FileManager.default.fileExists(atPath: directory.appendingPathComponent("admin-token.sha256").path))
        }
        await #expect(throws: AdminTokenError.tooShort) {
            try await InProcessGateway.run(configure: { $0.adminToken = "short-secret-1234" }) { _ in }
        }
        let sentence = AdminTokenError.tooShort.description
        #expect(sentence.contains("32 characters"))
        #expect(!sentence.contains("short-secret-1234"))
    }

    @Test("A generated token is long, random and printed once; rotating replaces it and the old one stops working")
    func rotateReplacesGenerated() async throws {
        try await Self.withDirectory { directory in
            let generated = try #require(
                try AdminToken.loadOrCreate(dataDirectory: directory, fromEnvironment: nil).newlyGenerated)
            #expect(generated.count >= AdminToken.minimumLength)
            let rotated = try AdminToken.rotate(dataDirectory: directory)
            #expect(rotated.count >= AdminToken.minimumLength)
            #expect(rotated != generated)
            let loaded = try AdminToken.loadOrCreate(dataDirectory: directory, fromEnvironment: nil)
            #expect(loaded.token.matches(rotated))
            #expect(!loaded.token.matches(generated))
            let file = directory.appendingPathComponent("admin-token.sha256")
            #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o600)
        }
    }

    @Test(
        "A token rotated while the gateway runs works at the next request; the old one, and sessions it opened, are refused"
    )
    func rotationWhileRunning() async throws {
        try await Self.withDirectory { directory in
            try await InProcessGateway.run(configure: { $0.dataDirectory = directory }) { gateway in
                #expect(try await gateway.admin(.get, "keys").status == .ok)
                let (cookie, _) = try await ConsoleSessionTests.signIn(gateway)
                #expect(try await gateway.request(.get, "/api/v1/keys", headers: [.cookie: cookie]).status == .ok)
                let rotated = try AdminToken.rotate(dataDirectory: directory)
                let session = try await gateway.request(.get, "/api/v1/keys", headers: [.cookie: cookie])
                #expect(session.status == .unauthorized, "a session opened with the old token ends with it")
                #expect(session.errorCode == "session_expired")
                let old = try await gateway.admin(.get, "keys")
                #expect(old.status == .unauthorized)
                #expect(old.errorCode == "invalid_admin_token")
                let new = try await gateway.request(
                    .get, "/api/v1/keys", headers: [.authorization: "Bearer \(rotated)"])
                #expect(new.status == .ok)
                let signIn = try await gateway.request(
                    .post, "/api/v1/session", headers: [.contentType: "application/json"],
                    body: #"{"token":"\#(rotated)"}"#)
                #expect(signIn.status == .created)
            }
        }
    }

    @Test(
        "After ten wrong bearer tokens an address gets 429 with Retry-After and a JSON error, even with the right one")
    func bearerGuessingThrottled() async throws {
        try await InProcessGateway.run(configure: Self.noRefillDuringTheTest) { gateway in
            for attempt in 0..<10 {
                let wrong = try await gateway.request(
                    .get, "/api/v1/keys", headers: [.authorization: "Bearer guess-\(attempt)"])
                #expect(wrong.status == .unauthorized)
            }
            let throttled = try await gateway.request(.get, "/api/v1/keys", headers: [.authorization: "Bearer guess"])
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.errorCode == "too_many_failed_sign_ins")
            #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(throttled.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(!throttled.text.contains("guess"), "the presented token is not echoed")
            // Not compared at all while throttled: guessing right gains nothing.
            #expect(try await gateway.admin(.get, "keys").status == .tooManyRequests)
        }
    }

    @Test(
        "Wrong tokens at the console's sign-in are throttled too (counted apart from the API's), and successes cost nothing"
    )
    func consoleSignInThrottled() async throws {
        try await InProcessGateway.run(configure: Self.noRefillDuringTheTest) { gateway in
            for _ in 0..<20 { #expect(try await gateway.admin(.get, "keys").status == .ok) }
            for _ in 0..<10 {
                let wrong = try await gateway.request(
                    .post, "/api/v1/session", headers: [.contentType: "application/json"], body: #"{"token":"nope"}"#)
                #expect(wrong.status == .unauthorized)
            }
            let throttled = try await gateway.request(
                .post, "/api/v1/session", headers: [.contentType: "application/json"], body: #"{"token":"nope"}"#)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.errorCode == "too_many_failed_sign_ins")
            #expect(throttled.headers[.retryAfter] != nil)
            let right = try await gateway.request(
                .post, "/api/v1/session", headers: [.contentType: "application/json"],
                body: #"{"token":"\#(GatewayHarness.adminToken)"}"#)
            #expect(right.status == .tooManyRequests, "not compared while throttled")
            #expect(right.headers[.setCookie] == nil)
        }
    }

    @Test("--admin-sign-in-burst sets how many wrong tokens an address may present before 429")
    func burstIsConfigurable() async throws {
        try await InProcessGateway.run(configure: {
            $0.adminSignInBurst = 2
            Self.noRefillDuringTheTest(&$0)
        }) { gateway in
            for _ in 0..<2 {
                let wrong = try await gateway.request(.get, "/api/v1/keys", headers: [.authorization: "Bearer nope"])
                #expect(wrong.status == .unauthorized)
            }
            let throttled = try await gateway.request(.get, "/api/v1/keys", headers: [.authorization: "Bearer nope"])
            #expect(throttled.status == .tooManyRequests)
        }
    }
}
