import PropertyBased

/// Form requests for one endpoint, drawn around a valid one: the valid request, mutated fields,
/// damaged bytes, random text, oversized bodies, odd content types and credentials headers.
struct FormGenerator: Sendable {
    static let formType = "application/x-www-form-urlencoded"

    /// A valid field list; called for every input.
    let validFields: @Sendable (inout RandomSource) -> [(String, String)]
    let fieldNames: [String]
    /// `Authorization` headers to choose from; the first goes with valid requests.
    var authorizations: [String?] = [nil]
    /// `Cookie` headers to choose from; the first goes with valid requests.
    var cookies: [String?] = [nil]

    var generator: Generator<FormCase, Shrink.None<FormCase>> {
        .drawing { rng in draw(&rng) }
    }

    func draw(_ rng: inout RandomSource) -> FormCase {
        let fields = validFields(&rng)
        var form = FormCase(bytes: [], contentType: Self.formType, authorization: authorizations[0], cookie: cookies[0], origin: "valid")
        switch rng.int(0...19) {
        case 0...2:
            form.bytes = Array(FormMutator.encode(fields).utf8)
        case 3...11:
            form.bytes = Array(FormMutator.mutate(fields, names: fieldNames, &rng).utf8)
            form.origin = "mutated"
        case 12...14:
            form.bytes = ByteMutator.mutate(Array(FormMutator.encode(fields).utf8), &rng)
            form.origin = "bytes"
        case 15...16:
            form.bytes = (0..<rng.int(0...64)).map { _ in rng.byte() }
            form.origin = "random"
        case 17:
            form.bytes = Array((FormMutator.encode(fields) + "&pad=" + String(repeating: "p", count: 17_000)).utf8)
            form.origin = "huge"
        default:
            form.bytes = Array(FormMutator.mutate(fields, names: fieldNames, &rng).utf8)
            form.contentType = rng.chance(0.5) ? rng.pick(FormMutator.contentTypes) : nil
            form.origin = "headers"
        }
        if form.origin != "valid" {
            if rng.chance(0.3) { form.authorization = rng.pick(authorizations) }
            if rng.chance(0.3) { form.cookie = rng.pick(cookies) }
        }
        return form
    }
}
