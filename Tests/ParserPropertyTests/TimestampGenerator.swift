/// RFC 3339 date-times built from parts, each part in range or not, with the facts the
/// properties need: whether the text is a strict RFC 3339 date-time that must be accepted, and
/// whether it lacks an offset and so must be refused.
struct TimestampCase: Sendable, CustomStringConvertible {
    let text: String
    /// Year 1000...9999, real calendar date and time, seconds < 60, no or 3-digit fraction, `T`, `Z` or `±hh:mm` offset.
    let mustBeAccepted: Bool
    let lacksOffset: Bool
    var description: String { text.debugDescription }

    static func draw<R: RandomNumberGenerator>(_ rng: inout R) -> TimestampCase {
        if rng.chance(0.15) {
            let text = rng.pick(InterestingValues.timestamps)
            return TimestampCase(text: text, mustBeAccepted: false, lacksOffset: false)
        }
        let year = rng.chance(0.8) ? rng.int(1000...9999) : rng.pick([0, 1, 999, 10_000, -1, 99_999])
        let month = rng.chance(0.9) ? rng.int(1...12) : rng.pick([0, 13, 99])
        let day = rng.chance(0.85) ? rng.int(1...28) : rng.pick([0, 29, 30, 31, 32])
        let hour = rng.chance(0.9) ? rng.int(0...23) : rng.pick([24, 25, 99])
        let minute = rng.chance(0.9) ? rng.int(0...59) : rng.pick([60, 99])
        let second = rng.chance(0.9) ? rng.int(0...59) : rng.pick([60, 61, 99])
        let fractionDigits = rng.pick([0, 0, 3, 3, 1, 2, 6, 9, 12])
        let fraction = fractionDigits == 0 ? "" : "." + String((0..<fractionDigits).map { _ in Character(String(rng.int(0...9))) })
        let separator = rng.chance(0.9) ? "T" : rng.pick(["t", " ", "_", ""])
        let (offset, offsetIsStrict) = drawOffset(&rng)
        let text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + separator + pad(hour, 2) + ":" + pad(minute, 2) + ":"
            + pad(second, 2) + fraction + offset
        let dateIsReal = (1000...9999).contains(year) && (1...12).contains(month) && (1...28).contains(day)
            || (1000...9999).contains(year) && isRealLateDay(year: year, month: month, day: day)
        let strict = dateIsReal && (0...23).contains(hour) && (0...59).contains(minute) && (0...59).contains(second)
            && [0, 3].contains(fractionDigits) && separator == "T" && offsetIsStrict
        return TimestampCase(text: text, mustBeAccepted: strict, lacksOffset: offset.isEmpty)
    }

    private static func drawOffset<R: RandomNumberGenerator>(_ rng: inout R) -> (String, Bool) {
        switch rng.int(0...9) {
        case 0...3: return ("Z", true)
        case 4...6:
            let hours = rng.int(0...14)
            let minutes = rng.pick([0, 30, 45])
            return ((rng.chance(0.5) ? "+" : "-") + pad(hours, 2) + ":" + pad(minutes, 2), true)
        case 7: return ("", false)
        case 8: return (rng.pick(["z", "+0200", "+02", "+24:00", "+99:99", "-00:60", "UTC", " Z", "+2:00"]), false)
        default: return (rng.pick(["+14:00", "-12:00", "+05:45", "-00:00"]), true)
        }
    }

    private static func isRealLateDay(year: Int, month: Int, day: Int) -> Bool {
        guard (29...31).contains(day), (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= length
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
