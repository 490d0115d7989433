import Foundation
import IncentiveEngine
import Testing

@Suite("consecutive-days")
struct ConsecutiveDaysTests {
    @Test("3-day rule: logs on days -2, -1, 0 achieve it")
    func threeDaysInARow() throws {
        let s = Scenario()
        s.program("3 in a row", Scenario.days(3))
        #expect(try s.log("mood", daysAgo: 2) == [])
        #expect(try s.log("mood", daysAgo: 1) == [])
        #expect(try s.log("mood", daysAgo: 0) == ["3 in a row"])
    }

    @Test("a once-program already earned is not evaluated again; a repeatable one still is")
    func earnedOnceProgramsAreSkipped() throws {
        let s = Scenario()
        s.program("3 in a row", Scenario.days(3))
        for day in [2, 1] { try s.log("mood", daysAgo: day) }
        #expect(try s.log("mood", daysAgo: 0) == ["3 in a row"])
        let asked = s.ledger.runQuestions
        #expect(try s.log("mood", daysAgo: 0) == [])
        #expect(s.ledger.runQuestions == asked)  // earned: its rule did not run
        s.program("2 in a row, repeatable", Scenario.days(2), repeatable: true)
        try s.log("mood", daysAgo: 0)
        #expect(s.ledger.runQuestions > asked)
    }

    @Test("3-day rule: days -3, -1, -1, 0 do not")
    func missingDay() throws {
        let s = Scenario()
        s.program("3 in a row", Scenario.days(3))
        for day in [3, 1, 1, 0] { #expect(try s.log("mood", daysAgo: day) == []) }
    }

    @Test("3-day rule: a non-matching type or value on the missing day does not fill it")
    func nonMatchingFiller() throws {
        let s = Scenario()
        s.program("perfect 3", Scenario.days(3, types: ["mood"], value: "perfect"))
        try s.log("mood", "perfect", daysAgo: 2)
        try s.log("symptom", "perfect", daysAgo: 1)   // wrong type
        try s.log("mood", "Perfect", daysAgo: 1)      // value is case-sensitive
        try s.log("mood", "", daysAgo: 1)             // "" is a value, not a wildcard
        #expect(try s.log("mood", "perfect", daysAgo: 0) == [])
    }

    @Test("3-day rule: days -3, -2 and a late log dated -1 arriving last achieve it")
    func lateEventCompletesRun() throws {
        let s = Scenario()
        s.program("3 in a row", Scenario.days(3))
        try s.log("mood", daysAgo: 3)
        try s.log("mood", daysAgo: 2)
        #expect(try s.log("mood", daysAgo: 1) == ["3 in a row"])
    }

    @Test("history on days -3..-1 with 5-, 3-, 2-in-a-row and a single program: today earns exactly 10, 20 and 30")
    func historyCountsForNewPrograms() throws {
        let s = Scenario()
        s.evaluator.graceWindow = 30 * 86_400
        for day in [3, 2, 1] { try s.log("mood", "perfect", daysAgo: day) }  // before any program existed
        s.program("five", Scenario.days(5, value: "perfect"), reward: "50")
        s.program("three", Scenario.days(3, value: "perfect"), reward: "30")
        s.program("two", Scenario.days(2, value: "perfect"), reward: "20")
        s.program("single", try EventReportedRule(type: "mood", value: "perfect"), reward: "10")
        #expect(try s.log("mood", "perfect", daysAgo: 0) == ["10", "20", "30"])
    }

    @Test("five consecutive days earn one achievement; day 6 and a second log on day 5 earn none")
    func rewardsOnce() throws {
        let s = Scenario()
        s.program("five", Scenario.days(5))
        for day in [6, 5, 4, 3] { #expect(try s.log("mood", daysAgo: day) == []) }
        #expect(try s.log("mood", daysAgo: 2) == ["five"])
        #expect(try s.log("mood", daysAgo: 2, hour: 18) == [])
        #expect(try s.log("mood", daysAgo: 1) == [])
        #expect(s.ledger.awards.count == 1)
    }

    @Test("a repeatable 5-day program earns again on day 10, not before")
    func repeatableWindows() throws {
        let s = Scenario()
        s.evaluator.graceWindow = 30 * 86_400
        s.program("five", Scenario.days(5), repeatable: true)
        var earnedOn: [Int] = []
        for day in 1...11 where try !s.log("mood", daysAgo: 11 - day).isEmpty { earnedOn.append(day) }
        #expect(earnedOn == [5, 10])
        #expect(s.ledger.awards.map(\.periodKey) == [s.date(daysAgo: 10), s.date(daysAgo: 5)])
    }

    @Test("a late event joining two halves of a repeatable run can earn twice")
    func joiningHalves() throws {
        let s = Scenario()
        s.evaluator.graceWindow = 30 * 86_400
        s.program("five", Scenario.days(5), repeatable: true)
        for day in [1, 2, 3, 4, 6, 7, 8, 9, 10] { try s.log("mood", daysAgo: 11 - day) }
        #expect(s.ledger.awards.count == 1)                 // days 6-10
        #expect(try s.log("mood", daysAgo: 11 - 5) == ["five"])  // days 1-5 now complete too
        #expect(s.ledger.awards.count == 2)
    }

    @Test("Mon 23:00, Tue 08:00 and Wed 07:00 local are three consecutive days")
    func localCalendarDays() throws {
        // In UTC, Mon 23:00 Berlin is Mon 22:00 and Wed 07:00 is Wed 06:00; in Los Angeles time
        // they would be other days entirely: only the user's zone decides.
        let s = Scenario(timeZone: "Europe/Berlin", now: "2026-03-18T12:00:00+01:00")  // a Wednesday
        s.program("three", Scenario.days(3))
        try s.log("mood", daysAgo: 2, hour: 23)
        try s.log("mood", daysAgo: 1, hour: 8)
        #expect(try s.log("mood", daysAgo: 0, hour: 7) == ["three"])
    }

    @Test("the day of a DST change is one date, logged twice across the change")
    func daylightSavingDay() throws {
        // Europe/Berlin springs forward on Sunday 2026-03-29 at 02:00; "now" is Tuesday 31 March.
        let s = Scenario(timeZone: "Europe/Berlin", now: "2026-03-31T12:00:00+02:00")
        s.program("three", Scenario.days(3))
        try s.log("mood", daysAgo: 3)                                 // Saturday
        try s.log("mood", at: s.instant(daysAgo: 2, hour: 1, minute: 30))   // Sunday, before the change (CET)
        try s.log("mood", at: s.instant(daysAgo: 2, hour: 23, minute: 30))  // Sunday, after it (CEST)
        #expect(s.ledger.awards.isEmpty)
        #expect(try s.log("mood", daysAgo: 1) == ["three"])           // Monday: Sat, Sun, Mon
        #expect(s.ledger.events[1].localDate == s.ledger.events[2].localDate)
    }

    @Test("logs on Mon, Wed, Thu, then a late Tue complete a 4-day run when Tue arrives")
    func lateTuesday() throws {
        let s = Scenario(now: "2026-03-20T12:00:00+01:00")  // Friday
        s.program("four", Scenario.days(4))
        try s.log("mood", daysAgo: 4)   // Mon
        try s.log("mood", daysAgo: 2)   // Wed
        try s.log("mood", daysAgo: 1)   // Thu
        #expect(try s.log("mood", daysAgo: 3) == ["four"])  // Tue, late
    }

    @Test("an event older than the grace window is stored but earns nothing, and later counts as history")
    func graceWindow() throws {
        let s = Scenario()
        s.program("three", Scenario.days(3))
        try s.log("mood", daysAgo: 10)
        try s.log("mood", daysAgo: 8)
        #expect(try s.log("mood", daysAgo: 9) == [])   // completes 10, 9, 8, but 9 days late
        #expect(s.ledger.events.count == 3)
        s.program("four", Scenario.days(4))
        // A recent event still joins no run with them: the history counts but does not touch today.
        #expect(try s.log("mood", daysAgo: 0) == [])
    }

    @Test("a gap resets the run: Mon, three weeks of nothing, then four more days")
    func gapResets() throws {
        let s = Scenario()
        s.evaluator.graceWindow = 60 * 86_400
        s.program("five", Scenario.days(5))
        try s.log("mood", daysAgo: 25)
        for day in [3, 2, 1, 0] { #expect(try s.log("mood", daysAgo: day) == []) }
    }

    @Test("history before starts_at does not count; events outside starts_at..ends_at earn nothing")
    func programDates() throws {
        let s = Scenario()
        s.evaluator.graceWindow = 30 * 86_400
        s.program("three", Scenario.days(3), startsAt: s.instant(daysAgo: 1, hour: 0))
        try s.log("mood", daysAgo: 2)
        try s.log("mood", daysAgo: 1)
        #expect(try s.log("mood", daysAgo: 0) == [])   // day -2 is before the start
        let ended = Scenario()
        ended.program("once", try EventReportedRule(type: "birth", value: nil), endsAt: ended.instant(daysAgo: 1))
        #expect(try ended.log("birth", daysAgo: 0) == [])
    }

    @Test("inactive programs award nothing")
    func inactiveProgram() throws {
        let s = Scenario()
        s.program("birth", try EventReportedRule(type: "birth", value: nil), active: false)
        #expect(try s.log("birth", daysAgo: 0) == [])
    }
}

extension Scenario {
    func date(daysAgo: Int) -> String { LocalDate(instant(daysAgo: daysAgo), in: timeZone).description }
}
