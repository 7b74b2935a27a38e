import Foundation
import HookcastProtocol
import Hummingbird
import NIOCore

/// The request context of every route: JSON in and out with ISO-8601 dates (milliseconds, UTC).
public struct HookcastRequestContext: RequestContext, ClientAddressContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, as failed admin sign-ins are counted; "unknown" when there is none (in-process tests).
    public let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
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

/// A request context that knows whom it serves, for what is counted per client (failed admin sign-ins).
public protocol ClientAddressContext: RequestContext {
    var clientAddress: String { get }
}
