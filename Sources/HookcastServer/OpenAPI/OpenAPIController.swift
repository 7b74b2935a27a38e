import Foundation
import Hummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI document of the webhook and admin APIs, byte for byte as written. The file is a
/// resource of this module; docs/openapi.json is a symlink to it, so there is one document to keep true.
struct OpenAPIController: Sendable {
    let document: ByteBuffer

    /// Reads the document once, at start-up: a build without it fails then, not on the first request.
    static func load() throws -> OpenAPIController {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "openapi.json in the resource bundle"])
        }
        return OpenAPIController(document: ByteBuffer(bytes: try Data(contentsOf: url)))
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
        }
    }
}
