import Foundation
import HTTPTypes
import Testing

@Suite("The web console's files")
struct ConsoleAssetsTests {
    @Test(
        "GET / is the console page with a strict Content-Security-Policy, no inline script or style, nothing from elsewhere"
    )
    func page() async throws {
        try await InProcessGateway.run { gateway in
            let page = try await gateway.request(.get, "/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'none'"))
            #expect(policy.contains("script-src 'self'"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe"))
            #expect(page.headers[HTTPField.Name("x-content-type-options")!] == "nosniff")
            #expect(page.headers[.cacheControl] == "no-cache")
            #expect(page.text.contains(#"<script type="module" src="/console/app.js"></script>"#))
            #expect(page.text.range(of: #"<script(?![^>]*\bsrc=)"#, options: .regularExpression) == nil)
            #expect(page.text.range(of: #"\sstyle="#, options: .regularExpression) == nil)
            #expect(page.text.range(of: #"(src|href)="(https?:)?//"#, options: .regularExpression) == nil)
        }
    }

    @Test("Every script module the page imports is served as JavaScript, with a validator that answers 304")
    func modules() async throws {
        try await InProcessGateway.run { gateway in
            var pending = ["app.js"]
            var seen = Set<String>()
            while let name = pending.popLast() {
                guard seen.insert(name).inserted else { continue }
                let file = try await gateway.request(.get, "/console/\(name)")
                #expect(file.status == .ok, "\(name)")
                #expect(file.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(!file.text.contains("innerHTML"), "\(name) must set text, never HTML")
                let imports = file.text.matches(of: /from '\.\/([a-z-]+\.js)'/).map { String($0.1) }
                pending += imports
                let etag = try #require(file.headers[.eTag])
                let again = try await gateway.request(.get, "/console/\(name)", headers: [.ifNoneMatch: etag])
                #expect(again.status == .notModified)
                #expect(again.text.isEmpty)
            }
            #expect(
                seen.isSuperset(of: [
                    "app.js", "api.js", "ui.js", "keys.js", "actions.js", "devices.js", "commands.js", "cap-rules.js",
                    "mqtt-accounts.js", "mqtt-integrations.js", "mqtt-observers.js", "mqtt-password.js",
                    "mqtt-scope.js",
                ])
            )
            let style = try await gateway.request(.get, "/console/console.css")
            #expect(style.headers[.contentType] == "text/css; charset=utf-8")
            #expect(try await gateway.request(.get, "/console/icon.svg").headers[.contentType] == "image/svg+xml")
        }
    }

    @Test("Unknown files and paths that leave the folder are 404 with a JSON error")
    func unknownFiles() async throws {
        try await InProcessGateway.run { gateway in
            for path in ["/console/missing.js", "/console/..%2FPackage.swift", "/console/%2E%2E", "/console/"] {
                let answer = try await gateway.request(.get, path)
                #expect(answer.status == .notFound, "\(path)")
                #expect(answer.string("message") == "Error")
            }
        }
    }
}
