/// Values that parsers tend to get wrong, grouped by what they pretend to be.
enum InterestingValues {
    static let numbers = [
        "0", "-0", "1", "-1", "2", "7", "1.5", "-2.5", "1e2", "1E400", "-1e400", "1e-400", "0.0000000000000000000001",
        "2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "123456789012345678901234567890123456789", "1.7976931348623157e308", "5e-324",
        "99999999999999999999e99999999999",
    ]

    /// Number-like text that is not JSON; only ever written through `.raw`.
    static let invalidNumbers = ["00", "01", "+1", ".5", "5.", "0x10", "NaN", "Infinity", "-Infinity", "-", "1e", "--1", "1_000"]

    static let strings = [
        "", " ", "a", "null", "true", "0", "\u{0}", "\u{7f}", "\u{1}\u{2}", "é", "e\u{301}", "👩‍👩‍👧", "\u{202e}abc",
        "\u{feff}", "\u{10ffff}", "\u{fffd}", "a/b", "../../etc/passwd", "%00", "%zz", "<script>alert(1)</script>",
        "' OR 1=1 --", "\\", "\"", "\r\n", "ink_", "Bearer", String(repeating: "x", count: 101),
        String(repeating: "y", count: 201), String(repeating: "z", count: 1001), String(repeating: "é", count: 3000),
    ]

    /// RFC 3339 look-alikes: valid with and without fractions and offsets, and every near miss.
    static let timestamps = [
        "2024-05-06T07:12:30Z", "2024-05-06T07:12:30.250+02:00", "2024-05-06T07:12:30.123456789Z", "2024-05-06T07:12:30-00:00",
        "2024-05-06T07:12:30+14:00", "2024-05-06T07:12:30-12:00", "2024-05-06T07:12:30+23:59", "2024-05-06T07:12:30+24:00",
        "2024-05-06T07:12:30+99:99", "2024-05-06T07:12:30+0200", "2024-05-06T07:12:30+02", "2024-05-06t07:12:30z",
        "2024-05-06 07:12:30Z", "2024-05-06T07:12:30", "2024-05-06", "07:12:30Z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-05-06T24:00:00Z", "2024-05-06T23:60:00Z",
        "2016-12-31T23:59:60Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
        "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
        "2999-01-01T00:00:00Z", "9999-12-31T23:30:00-01:00", "0001-01-01T00:30:00+01:00", "9999-12-31T25:00:00Z", "2024-05-06T07:12:30.Z", "2024-05-06T07:12:30.0000000000000000000001Z",
        "2024-05-06T07:12:30,5Z", "2024-W19-1T07:12:30Z", "2024-127T07:12:30Z", "20240506T071230Z", "1715000000",
        "2024-05-06T07:12:30Z ", " 2024-05-06T07:12:30Z", "2024-05-06T07:12:30ZZ", "2024-05-06T07:12:30+02:00[Europe/Berlin]",
        "2024-05-06T07:12:30 +02:00", "２０２４-05-06T07:12:30Z", "", "now", "yesterday", "null",
    ]

    static let timeZones = [
        "UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Pacific/Chatham", "Pacific/Kiritimati",
        "Australia/Lord_Howe", "America/Argentina/ComodRivadavia", "Etc/GMT-14", "Etc/GMT+12", "GMT", "GMT+5", "GMT+05:30",
        "UTC+01:00", "EST5EDT", "CET", "Z", "utc", "europe/berlin", "Europe/Nowhere", "Europe//Berlin", "/Europe/Berlin",
        "Europe/Berlin/", "../../../etc/passwd", "/etc/localtime", "Europe/Berlin\u{0}", "+05:00", "-14:00", "",
        " ", String(repeating: "A", count: 65), String(repeating: "Europe/", count: 50), "Ωmega/Zone", "Local", "localtime",
        "posixrules", "right/UTC", "zone.tab", "tzdata.zi",
    ]

    static let jsonValues: [JSONValue] = [
        .null, .bool(true), .bool(false), .array([]), .object([]), .string(""), .int(0), .number("-1"), .number("1e400"),
        .array([.null]), .object(["": .null]),
    ]

    /// Escapes that are valid JSON text but not valid strings, and text that is not JSON at all.
    static let rawFragments = [
        "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u00\"", "\"\\x41\"", "\"\\'\"", "\"\u{1}\"", "\"unterminated", "'single'",
        "undefined", "True", "NULL", "{", "}", "[", "]", ",", ":", "\"a\":1", "/* comment */ 1", "1 2", "\"\\u0000\"",
    ]
}
