import Foundation
@testable import IncentiveAPI
import Testing

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("a line is one JSON object with sorted keys, whatever the values hold, and ends in a newline")
    func line() throws {
        let fields = ["message": "quote \" backslash \\ newline \n tab \t bell \u{7} é /path", "level": "info", "hb.request.id": "42"]
        let line = JSONLogHandler.line(fields)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
        let decoded = try JSONSerialization.jsonObject(with: Data(line)) as? [String: String]
        #expect(decoded == fields)
        let text = String(decoding: line, as: UTF8.self)
        let keys = ["hb.request.id", "level", "message"].map { text.range(of: "\"\($0)\":")!.lowerBound }
        #expect(keys == keys.sorted())
    }
}
