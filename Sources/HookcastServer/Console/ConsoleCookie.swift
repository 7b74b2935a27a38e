import Foundation
import HTTPTypes
import Hummingbird

/// The console's session cookie: HttpOnly (page scripts cannot read it), SameSite=Strict (no other site's page
/// can make the browser send it), Path=/ and, when the gateway is published over HTTPS, Secure.
enum ConsoleCookie {
    static let name = "hookcast_session"

    static func set(_ id: String, maxAge: TimeInterval, secure: Bool) -> String {
        "\(name)=\(id); Path=/; Max-Age=\(Int(maxAge)); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    static func clear(secure: Bool) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The session id the request's `Cookie` headers carry, if any.
    static func sessionID(in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return value }
            }
        }
        return nil
    }
}
