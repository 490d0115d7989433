import Foundation

/// Decoding helpers shared by the rules: strict JSON objects, errors that name the field.
enum RuleParameters {
    static func decode<Parameters: Decodable>(_ type: Parameters.Type, from data: Data) throws -> Parameters {
        do {
            return try JSONDecoder().decode(Parameters.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw RuleParameterError(field: path(context.codingPath + [key]), reason: "is required")
        } catch let DecodingError.typeMismatch(_, context) {
            throw RuleParameterError(field: path(context.codingPath), reason: "has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw RuleParameterError(field: path(context.codingPath), reason: "must not be null")
        } catch {
            throw RuleParameterError(field: "parameters", reason: "must be a JSON object")
        }
    }

    static func requireTypes(_ types: [String]?) throws {
        guard let types else { return }
        guard !types.isEmpty, types.allSatisfy({ !$0.isEmpty }) else {
            throw RuleParameterError(field: "parameters.types", reason: "must list at least one non-empty type")
        }
    }

    static func matcherParameters(_ matcher: EventMatcher) -> [String: ParameterValue] {
        var result: [String: ParameterValue] = [:]
        if let types = matcher.types { result["types"] = .strings(types) }
        if let value = matcher.value { result["value"] = .string(value) }
        return result
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        (["parameters"] + keys.map(\.stringValue)).joined(separator: ".")
    }
}
