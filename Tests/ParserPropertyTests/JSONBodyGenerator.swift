import PropertyBased

/// Bodies for one JSON endpoint, drawn around a valid example: the example itself, structural
/// mutations of it, byte damage, random documents, deep nesting and odd content types.
struct JSONBodyGenerator: Sendable {
    /// A valid body; called for every input so that ids can be fresh.
    let validExample: @Sendable (inout RandomSource) -> JSONValue
    /// The endpoint's fields, so that extra members often have a real name.
    let fieldNames: [String]

    static let contentTypes = [
        "application/json; charset=utf-8", "application/JSON", "application/json;charset=latin1", "text/plain",
        "application/x-www-form-urlencoded", "application/json-patch+json", "application/problem+json", "", "*/*",
    ]

    var generator: Generator<BodyCase, Shrink.None<BodyCase>> {
        .drawing { rng in draw(&rng) }
    }

    func draw(_ rng: inout RandomSource) -> BodyCase {
        let example = validExample(&rng)
        var body: BodyCase
        switch rng.int(0...19) {
        case 0...2:
            body = BodyCase(bytes: example.bytes, origin: "valid")
        case 3...10:
            body = BodyCase(bytes: JSONMutator.mutate(example, fieldNames: fieldNames, &rng).bytes, origin: "mutated")
        case 11...13:
            let mutated = rng.chance(0.5) ? JSONMutator.mutate(example, fieldNames: fieldNames, &rng) : example
            body = BodyCase(bytes: ByteMutator.mutate(mutated.bytes, &rng), origin: "bytes")
        case 14...16:
            body = BodyCase(bytes: JSONMutator.randomValue(&rng).bytes, origin: "random")
        case 17:
            body = BodyCase(bytes: JSONMutator.deeplyNested(&rng).bytes, origin: "nested")
        case 18:
            // Over the 64 KiB limit: a long but otherwise valid string value.
            body = BodyCase(bytes: Array((#"{"pad":""# + String(repeating: "p", count: 70_000) + #""}"#).utf8), origin: "huge")
        default:
            body = BodyCase(bytes: JSONMutator.mutate(example, fieldNames: fieldNames, &rng).bytes, origin: "content-type")
            body.contentType = rng.pick(Self.contentTypes)
            return body
        }
        body.contentType = "application/json"
        return body
    }
}
