import Foundation
import HookcastProtocol

/// One step of an action with several: a function with parameters (and templates filled from the call), sent to
/// a target. JSON, in the admin API and in the store alike: `{"function","params","target"}`, the templates among
/// `params` (a string there is a template when it holds `{{`, as for a single-step action).
public struct ActionStep: Sendable, Equatable, Codable {
    public var function: ActionFunction
    public var params: ActionParameters
    public var templates: ParameterTemplates
    public var target: ActionTarget

    public init(
        function: ActionFunction, params: ActionParameters = ActionParameters(),
        templates: ParameterTemplates = ParameterTemplates(), target: ActionTarget
    ) {
        self.function = function
        self.params = params
        self.templates = templates
        self.target = target
    }

    enum CodingKeys: String, CodingKey {
        case function, params, target
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        function = try container.decode(ActionFunction.self, forKey: .function)
        target = try container.decode(ActionTarget.self, forKey: .target)
        let (literal, templates) = try ParameterTemplates.split(
            container.decodeIfPresent(JSONValue.self, forKey: .params))
        params = try ActionParameters.decoded(from: literal)
        self.templates = templates
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(function, forKey: .function)
        try templates.write(params, into: &container, forKey: .params)
        try container.encode(target, forKey: .target)
    }
}
