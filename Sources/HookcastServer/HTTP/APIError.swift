import Foundation
import Hummingbird
import NIOCore

/// Every failure the HTTP APIs answer with: a status, a stable machine-readable code and one sentence a person
/// understands. The body keeps the product page's contract (`"message":"Error"`), so existing integrations that
/// check `body.message === 'Error'` keep working. Never carries a secret.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let detail: String
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(message: "Error", error: code, detail: detail)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(body)) ?? Data(#"{"message":"Error"}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct Body: Encodable {
        let message: String
        let error: String
        let detail: String
    }
}

extension APIError {
    static func badRequest(_ code: String, _ detail: String) -> APIError { APIError(.badRequest, code, detail) }
    static func unauthorized(_ code: String, _ detail: String) -> APIError { APIError(.unauthorized, code, detail) }
    static func notFound(_ code: String, _ detail: String) -> APIError { APIError(.notFound, code, detail) }
    static func conflict(_ detail: String) -> APIError { APIError(.conflict, "conflict", detail) }
    static func unprocessable(field: String, _ detail: String) -> APIError {
        APIError(.unprocessableContent, "invalid_\(field.replacingOccurrences(of: ".", with: "_"))", detail)
    }
    static func storeUnavailable(_ detail: String) -> APIError {
        APIError(.serviceUnavailable, "store_unavailable", detail, headers: [.retryAfter: "5"])
    }
}
