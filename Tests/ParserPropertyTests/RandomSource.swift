import PropertyBased

/// PropertyBased's random number generator behind a concrete type. The generators here are
/// generic over `RandomNumberGenerator`; handing them PropertyBased's `inout any
/// SeededRandomNumberGenerator` directly crashes the Swift 6.3 compiler in IRGen.
struct RandomSource: RandomNumberGenerator {
    var base: any SeededRandomNumberGenerator

    mutating func next() -> UInt64 {
        base.next()
    }
}

extension Generator where ShrinkSequence == Shrink.None<ResultValue> {
    /// A generator without shrinking: the seed PropertyBased prints reproduces a failing input.
    static func drawing(_ draw: @escaping @Sendable (inout RandomSource) -> ResultValue) -> Self {
        Generator { rng in
            var source = RandomSource(base: rng)
            let value = draw(&source)
            rng = source.base
            return value
        }
    }
}
