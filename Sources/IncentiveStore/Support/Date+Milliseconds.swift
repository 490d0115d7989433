import Foundation

extension Date {
    /// This instant moved into the first quarter of its millisecond, the precision SQLite keeps:
    /// whether a writer truncates or rounds to milliseconds, a reply built from memory then says
    /// exactly what a later read from the database says (an exact boundary can land on either side
    /// of it in binary floating point).
    var wholeMilliseconds: Date {
        Date(timeIntervalSince1970: ((timeIntervalSince1970 * 1000).rounded(.down) + 0.25) / 1000)
    }
}
