import Foundation
import HookcastCAP
import HookcastCore
import HookcastProtocol
import Hummingbird

/// `POST /public-api/integration/cap`: a CAP 1.2 `<alert>` with an API key, as the webhook takes one
/// (docs/cap.md). The key's signature and rate limit apply as for webhooks.
struct CAPIntakeController: Sendable {
    let gateway: Gateway
    let keyGuard: KeyGuard

    /// XML media types a CAP sender uses; `application/cap+xml` is CAP's own.
    static let mediaTypes = ["application/cap+xml", "application/xml", "text/xml"]

    func addRoutes(to router: Router<HookcastRequestContext>) {
        router.post("public-api/integration/cap") { request, context in
            try await gateway.audit.trigger(from: context) { try await receive(request) }
        }
    }

    private func receive(_ request: Request) async throws -> EditedResponse<CAPIntakeResponse> {
        let found = try await keyGuard.authenticate(request)
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard Self.mediaTypes.contains(where: { contentType.hasPrefix($0) }) else {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "Send the CAP alert as XML with 'Content-Type: application/cap+xml' (or application/xml).")
        }
        let limit = XMLLimits().maximumBytes
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "The alert is larger than \(limit / 1024) KiB.")
        }
        _ = try keyGuard.checkSignature(request, body: body, found)
        try keyGuard.takeToken(found.key)
        if let refusal = found.key.refusal(at: Date()) { throw KeyGuard.forbidden(refusal, key: found.key) }
        let alert = try Self.read(Array(buffer: body))
        TriggerNote.current?.named(event: String("cap:\(alert.identifier)".prefix(128)))
        let reception = try await gateway.receiveCAP(alert, from: CAPOrigin(key: found.key))
        for published in reception.published {
            gateway.metrics.commandAccepted(outcome: published ? "published" : "queued")
        }
        return EditedResponse(status: .ok, response: CAPIntakeResponse(reception, now: Date()))
    }

    /// The alert, or the answer naming what is wrong with it: 413 too large, 400 not XML Hookcast reads (a DTD,
    /// an entity, broken UTF-8, too deep), 422 not a CAP 1.2 alert or breaking one of its rules.
    static func read(_ bytes: [UInt8]) throws(APIError) -> CAPAlert {
        do {
            return try CAPAlertReader.read(bytes)
        } catch {
            switch error.kind {
            case .tooLarge: throw APIError(.contentTooLarge, error.code, error.message)
            case .xml: throw APIError(.badRequest, error.code, error.message)
            case .notCAP: throw APIError(.unprocessableContent, error.code, error.message)
            case .invalid:
                guard let element = error.element else {
                    throw APIError(.unprocessableContent, error.code, error.message)
                }
                throw APIError.unprocessable(field: element, "\(element): \(error.message)")
            }
        }
    }
}
