import HTTPTypes
import Hummingbird

/// `GET /` and `GET /console/{file}`: the web console's static files, with a strict Content-Security-Policy
/// (scripts, styles and connections to this origin only; no inline script, no frames) so that even a value
/// shown unescaped by mistake could not run code.
struct ConsoleController: Sendable {
    let assets: ConsoleAssets

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func addRoutes(to router: Router<HookcastRequestContext>) {
        router.get("/") { request, _ in try serve("index.html", request) }
        router.get("console/:file") { request, context in
            try serve(context.parameters.get("file") ?? "", request)
        }
    }

    private func serve(_ name: String, _ request: Request) throws -> Response {
        guard let asset = assets.files[name] else {
            throw APIError.notFound("not_found", "There is no console file '\(name)'.")
        }
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .eTag: asset.etag,
            // Revalidated on every load (a 304 costs nothing): after an upgrade nobody runs yesterday's script.
            .cacheControl: "no-cache",
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            HTTPField.Name("x-content-type-options")!: "nosniff",
            HTTPField.Name("x-frame-options")!: "DENY",
            HTTPField.Name("referrer-policy")!: "no-referrer",
        ]
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == asset.etag
        }) == true {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
