import Foundation

/// How many inputs each property tries. The default keeps every property to a few seconds in CI;
/// `PROPERTY_ITERATIONS=5000 swift test --filter ParserPropertyTests` runs a longer search.
enum PropertyIterations {
    static var standard: Int { scaled(200) }
    /// For properties whose every input is a database write or a full sign-in attempt.
    static var expensive: Int { scaled(100) }

    private static func scaled(_ base: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment["PROPERTY_ITERATIONS"], let count = Int(text), count > 0 else {
            return base
        }
        return count
    }
}
