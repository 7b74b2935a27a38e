import Foundation
import HookcastCore
import HookcastProtocol
import Hummingbird

/// Reads a JSON request body into `Body`, turning every way it can be wrong into a 400 or a 422 that names the
/// field.
enum RequestBody {
    static func decode<Body: Decodable>(
        _ type: Body.Type, from request: Request, context: HookcastRequestContext
    ) async throws -> Body {
        try decode(type, from: try await collect(request, context: context), context: context)
    }

    /// For bodies that may be left out: an empty body is nil.
    static func decodeIfPresent<Body: Decodable>(
        _ type: Body.Type, from request: Request, context: HookcastRequestContext
    ) async throws -> Body? {
        let buffer = try await collect(request, context: context)
        return buffer.readableBytes == 0 ? nil : try decode(type, from: buffer, context: context)
    }

    private static func collect(_ request: Request, context: HookcastRequestContext) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(
                .contentTooLarge, "body_too_large", "The body is larger than \(context.maxUploadSize / 1024) KiB.")
        }
    }

    private static func decode<Body: Decodable>(
        _ type: Body.Type, from buffer: ByteBuffer, context: HookcastRequestContext
    ) throws -> Body {
        do {
            return try UntrustedJSON.decode(Body.self, from: Data(buffer: buffer), using: context.requestDecoder)
        } catch let error as UntrustedJSON.Failure {
            throw APIError.badRequest("invalid_json", "The body is \(error).")
        } catch let error as ValidationError {
            throw APIError.unprocessable(field: error.field, error.description)
        } catch let error as DecodingError {
            throw map(error)
        }
    }

    static func map(_ error: DecodingError) -> APIError {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .unprocessable(field: field, "\(field) is required.")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = path(context.codingPath)
            return .unprocessable(field: field, "\(field) has the wrong type.")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .badRequest("invalid_json", "The body is not valid JSON.")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return .unprocessable(field: field, "\(field) is not valid: \(context.debugDescription)")
        @unknown default:
            return .badRequest("invalid_json", "The body could not be read.")
        }
    }

    /// Named as validation errors name fields (`members[2]`), so a field gets one error code whichever check fails;
    /// no key means the body itself has the wrong shape (an array where an object belongs).
    private static func path(_ keys: [any CodingKey]) -> String {
        CodingPath.fieldName(keys, default: "body")
    }
}

/// Turns a thrown domain error into the HTTP answer.
enum StoreFailure {
    static func map(_ error: any Error) -> any Error {
        switch error {
        case let error as APIError: return error
        case let error as ValidationError: return APIError.unprocessable(field: error.field, error.description)
        case StoreError.conflict(let message): return APIError.conflict(message)
        case StoreError.notFound(let message): return APIError.notFound("not_found", message)
        default: return APIError.storeUnavailable("The store is unavailable; nothing was changed.")
        }
    }

    /// Runs `body`, mapping what it throws.
    static func mapping<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch {
            throw map(error)
        }
    }
}

/// A path parameter parsed into an identifier; a malformed one cannot exist, so it is a 404.
enum PathParameter {
    static func require<Value>(
        _ context: HookcastRequestContext, _ name: String, what: String, _ parse: (String) throws -> Value
    ) throws -> Value {
        guard let raw = context.parameters.get(name), let value = try? parse(raw) else {
            throw APIError.notFound("not_found", "There is no \(what) '\(context.parameters.get(name) ?? "")'.")
        }
        return value
    }
}

/// A list in a response: `{"items":[…]}` (room for paging fields).
struct ListResponse<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
}

struct PagedResponse<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    let items: [Item]
    let total: Int
    let offset: Int
    let limit: Int
}

extension Action: ResponseEncodable {}
extension Device: ResponseEncodable {}
extension DeviceGroup: ResponseEncodable {}
extension APIKey: ResponseEncodable {}
extension Command: ResponseEncodable {}
extension DeviceImport.Outcome: ResponseEncodable {}
