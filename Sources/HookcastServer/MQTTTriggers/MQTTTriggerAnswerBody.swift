import Foundation
import Hummingbird

/// The JSON of an MQTT trigger's answer: byte for byte what the webhook's HTTP body would be.
enum MQTTTriggerAnswerBody {
    static func success(_ response: TriggerResponse) -> [UInt8] {
        (try? Array(HookcastRequestContext.encoder.encode(response))) ?? Array(#"{"message":"OK"}"#.utf8)
    }

    static func error(_ error: any Error) -> [UInt8] {
        let body: APIError.Body
        if let error = error as? APIError {
            body = APIError.Body(message: "Error", error: error.code, detail: error.detail)
        } else {
            // What ErrorMappingMiddleware answers for anything else: the code, never the error's own words.
            let (_, code) = AuditTrail.answer(to: error)
            body = APIError.Body(message: "Error", error: code, detail: "The trigger could not be handled.")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? Array(encoder.encode(body))) ?? Array(#"{"message":"Error"}"#.utf8)
    }
}
