import Foundation
import HTTPTypes
import Testing

@Suite("The web console's session: cookie, CSRF token, same origin")
struct ConsoleSessionTests {
    static let csrf = HTTPField.Name("x-csrf-token")!

    /// Signs in; returns the `Cookie` header value and the CSRF token.
    static func signIn(_ gateway: GatewayClient) async throws -> (cookie: String, csrf: String) {
        let answer = try await gateway.request(
            .post, "/api/v1/session", headers: [.contentType: "application/json"],
            body: #"{"token":"\#(GatewayHarness.adminToken)"}"#)
        #expect(answer.status == .created)
        let setCookie = try #require(answer.headers[.setCookie])
        let pair = try #require(setCookie.split(separator: ";").first)
        return (String(pair), try #require(answer.string("csrf_token")))
    }

    @Test(
        "Signing in sets an HttpOnly, SameSite=Strict session cookie and answers a CSRF token; a wrong token sets nothing"
    )
    func signIn() async throws {
        try await InProcessGateway.run { gateway in
            let wrong = try await gateway.request(
                .post, "/api/v1/session", headers: [.contentType: "application/json"], body: #"{"token":"nope"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorCode == "invalid_admin_token")
            #expect(wrong.headers[.setCookie] == nil)
            let missing = try await gateway.request(
                .post, "/api/v1/session", headers: [.contentType: "application/json"], body: "{}")
            #expect(missing.errorCode == "invalid_token")

            let answer = try await gateway.request(
                .post, "/api/v1/session", headers: [.contentType: "application/json"],
                body: #"{"token":"\#(GatewayHarness.adminToken)"}"#)
            #expect(answer.status == .created)
            let cookie = try #require(answer.headers[.setCookie])
            #expect(cookie.hasPrefix("hookcast_session="))
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
                #expect(cookie.contains(attribute), "cookie lacks \(attribute): \(cookie)")
            }
            #expect(!cookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back")
            #expect(!answer.text.contains(GatewayHarness.adminToken))
            let csrf = try #require(answer.string("csrf_token"))
            #expect(csrf.count >= 40)

            let session = String(try #require(cookie.split(separator: ";").first))
            let current = try await gateway.request(.get, "/api/v1/session", headers: [.cookie: session])
            #expect(current.status == .ok)
            #expect(current.string("csrf_token") == csrf)
            #expect(try await gateway.request(.get, "/api/v1/session").errorCode == "no_session")
            // Reads need the cookie only.
            #expect(try await gateway.request(.get, "/api/v1/keys", headers: [.cookie: session]).status == .ok)
        }
    }

    @Test(
        "A state-changing call with the cookie is refused without the CSRF token, with a wrong one, or from another site"
    )
    func csrfRefusals() async throws {
        try await InProcessGateway.run { gateway in
            let (cookie, csrf) = try await Self.signIn(gateway)
            let body = #"{"name":"forged"}"#
            let json: HTTPFields = [.cookie: cookie, .contentType: "application/json"]
            let refusals: [(HTTPFields, String)] = [
                (json, "csrf_token_invalid"),
                (json + [Self.csrf: "not-the-token"], "csrf_token_invalid"),
                (json + [Self.csrf: csrf, .origin: "https://evil.example"], "cross_origin_request"),
                (json + [Self.csrf: csrf, HTTPField.Name("sec-fetch-site")!: "cross-site"], "cross_origin_request"),
            ]
            for (headers, code) in refusals {
                let refused = try await gateway.request(.post, "/api/v1/keys", headers: headers, body: body)
                #expect(refused.status == .forbidden)
                #expect(refused.errorCode == code)
            }
            let list = try await gateway.admin(.get, "keys")
            #expect(list["items"] == .array([]), "a refused call changed nothing")

            // The console's own page: the token, and its own origin (the public URL) or none.
            let accepted = try await gateway.request(
                .post, "/api/v1/keys", headers: json + [Self.csrf: csrf, .origin: "http://hookcast.test"], body: body)
            #expect(accepted.status == .created)
            let patched = try await gateway.request(
                .patch, "/api/v1/keys/\(try #require(accepted.string("id")))",
                headers: json + [Self.csrf: csrf, HTTPField.Name("sec-fetch-site")!: "same-origin"],
                body: #"{"enabled":false}"#)
            #expect(patched.status == .ok)

            // Signing in from another site's page is refused too (login CSRF).
            let crossSignIn = try await gateway.request(
                .post, "/api/v1/session", headers: [.contentType: "application/json", .origin: "https://evil.example"],
                body: #"{"token":"\#(GatewayHarness.adminToken)"}"#)
            #expect(crossSignIn.status == .forbidden)
            #expect(crossSignIn.headers[.setCookie] == nil)
        }
    }

    @Test("Signing out ends the session on the server and clears the cookie; an unknown session is refused")
    func signOut() async throws {
        try await InProcessGateway.run { gateway in
            let (cookie, csrf) = try await Self.signIn(gateway)
            let withoutToken = try await gateway.request(.delete, "/api/v1/session", headers: [.cookie: cookie])
            #expect(withoutToken.status == .forbidden, "signing someone out is a state change too")
            let out = try await gateway.request(
                .delete, "/api/v1/session", headers: [.cookie: cookie, Self.csrf: csrf])
            #expect(out.status == .noContent)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            let after = try await gateway.request(.get, "/api/v1/keys", headers: [.cookie: cookie])
            #expect(after.status == .unauthorized)
            #expect(after.errorCode == "session_expired")
            let made = try await gateway.request(
                .get, "/api/v1/keys", headers: [.cookie: "hookcast_session=made-up"])
            #expect(made.errorCode == "session_expired")
        }
    }

    @Test("Scripts keep using the bearer token, without a CSRF token; a wrong bearer is refused even with a cookie")
    func bearerStillWorks() async throws {
        try await InProcessGateway.run { gateway in
            #expect(try await gateway.admin(.post, "keys", #"{"name":"cli"}"#).status == .created)
            let (cookie, _) = try await Self.signIn(gateway)
            let wrong = try await gateway.request(
                .get, "/api/v1/keys", headers: [.authorization: "Bearer nope", .cookie: cookie])
            #expect(wrong.errorCode == "invalid_admin_token")
        }
    }
}

extension HTTPFields {
    static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var fields = lhs
        for field in rhs { fields[field.name] = field.value }
        return fields
    }
}
