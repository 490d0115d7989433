/// Small draws the generators make over and over.
extension RandomNumberGenerator {
    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[Int.random(in: 0..<elements.count, using: &self)]
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    mutating func byte() -> UInt8 {
        UInt8.random(in: 0...255, using: &self)
    }

    /// Lowercase letters and digits, e.g. for fresh ids.
    mutating func word(_ length: ClosedRange<Int> = 4...12) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<int(length)).map { _ in pick(alphabet) })
    }
}
