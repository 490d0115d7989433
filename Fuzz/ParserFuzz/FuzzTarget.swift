/// The parsers that take outside input, one fuzz target each. A target crashes (a trap, or a
/// `fatalError` naming a broken invariant) only on a bug; refusals are normal.
enum FuzzTarget: String, CaseIterable, Sendable {
    case jsonBodies = "json-bodies"
    case form
    case jws
    case cursor
    case time

    func run(_ bytes: [UInt8]) {
        switch self {
        case .jsonBodies: JSONBodyTarget.run(bytes)
        case .form: FormTarget.run(bytes)
        case .jws: JWSTarget.run(bytes)
        case .cursor: CursorTarget.run(bytes)
        case .time: TimeTarget.run(bytes)
        }
    }
}
