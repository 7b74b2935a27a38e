import ArgumentParser
import Hummingbird
import Logging

/// `hookcast-bench bare-http --port P`: the HTTP ceiling. The product page's webhook route on Hummingbird with
/// nothing behind it: read the body, answer success. Whatever Hookcast does per request costs the gap to this.
struct BareHTTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bare-http", abstract: "Serve a bare Hummingbird POST handler (the HTTP ceiling).")

    @Option(help: "Port on 127.0.0.1.")
    var port: Int

    func run() async throws {
        let router = Router()
        router.post("/public-api/integration/webhooks") { request, context -> Response in
            _ = try await request.body.collect(upTo: 64 * 1024)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"message":"success"}"#)))
        }
        var logger = Logger(label: "bare-http")
        logger.logLevel = .warning
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService()
    }
}
