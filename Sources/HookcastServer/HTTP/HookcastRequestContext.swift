import Foundation
import HookcastProtocol
import Hummingbird

/// The request context of every route: JSON in and out with ISO-8601 dates (milliseconds, UTC).
public struct HookcastRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    public var requestDecoder: JSONDecoder { Self.decoder }
    public var responseEncoder: JSONEncoder { Self.encoder }

    static let encoder: JSONEncoder = {
        let encoder = JSONCoding.encoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(JSONCoding.timestamp(date))
        }
        return encoder
    }()

    private static let decoder = JSONCoding.decoder()

    /// Request bodies above this are refused with 413 before they are parsed.
    public var maxUploadSize: Int { 64 * 1024 }
}
