import Crypto
import Foundation
import NIOCore

/// The web console's files (HTML, CSS, JavaScript, icons), read once from the module's resources at start-up:
/// a build without them fails then, not on the first page view. No build step, nothing from another host.
struct ConsoleAssets: Sendable {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: String
        /// A strong validator, so a browser revalidates cheaply and sees a new version at once after an upgrade.
        let etag: String
    }

    let files: [String: Asset]

    static func load() throws -> ConsoleAssets {
        guard let directory = Bundle.module.url(forResource: "console", withExtension: nil) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "console/ in the resource bundle"])
        }
        var files: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            guard let contentType = contentTypes[(name as NSString).pathExtension.lowercased()] else { continue }
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let digest = SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
            files[name] = Asset(body: ByteBuffer(bytes: data), contentType: contentType, etag: "\"\(digest)\"")
        }
        guard files["index.html"] != nil else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "console/index.html"])
        }
        return ConsoleAssets(files: files)
    }

    /// Only these kinds are served; anything else in the folder is ignored.
    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml",
        "png": "image/png",
        "ico": "image/x-icon",
    ]
}
