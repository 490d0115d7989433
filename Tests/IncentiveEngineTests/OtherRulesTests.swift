import Foundation
import IncentiveEngine
import Testing

@Suite("event-reported, total-events, the catalogue and the evaluator's guards")
struct OtherRulesTests {
    @Test("event-reported fact/'gave birth'", arguments: [
        ("fact", "", false), ("fact", "married", false), ("fact", "gave birth", true), ("status", "gave birth", false),
    ])
    func eventReported(type: String, value: String, expected: Bool) throws {
        let s = Scenario()
        s.program("pillow", try EventReportedRule(type: "fact", value: "gave birth"))
        #expect(try s.log(type, value, daysAgo: 0) == (expected ? ["pillow"] : []))
    }

    @Test("two birth reports earn one achievement; a repeatable program rewards every match")
    func twoBirths() throws {
        let s = Scenario()
        s.program("once", try EventReportedRule(type: "fact", value: "gave birth"))
        s.program("every", try EventReportedRule(type: "fact", value: "gave birth"), repeatable: true)
        #expect(try s.log("fact", "gave birth", daysAgo: 1) == ["every", "once"])
        #expect(try s.log("fact", "gave birth", daysAgo: 0) == ["every"])
    }

    @Test("a repeatable event-reported program evaluated late (by jobs, after more reports arrived) rewards every report")
    func lateRepeatableReports() throws {
        let (s, reports) = try Self.everyFactScenario(reports: 3)
        reports.forEach(s.ledger.record)
        var earned: [Award] = []
        for report in reports {
            let awards = try s.evaluator.evaluate(report, programs: s.programs, ledger: s.ledger, now: s.now)
            s.ledger.grant(awards)
            earned += awards
        }
        #expect(earned.map(\.periodKey).sorted() == ["1", "2", "3"])
    }

    @Test("count ordinals held out of order: the earlier ones missing are still owed, the held one is not")
    func ordinalsHeldOutOfOrder() throws {
        let (s, reports) = try Self.everyFactScenario(reports: 3)
        s.ledger.record(reports[0])
        s.ledger.record(reports[1])
        let firstTwo = try s.evaluator.evaluate(reports[1], programs: s.programs, ledger: s.ledger, now: s.now)
        s.ledger.grant(firstTwo.filter { $0.periodKey == "2" })
        s.ledger.record(reports[2])
        let awards = try s.evaluator.evaluate(reports[2], programs: s.programs, ledger: s.ledger, now: s.now)
        #expect(awards.map(\.periodKey).sorted() == ["1", "3"])
    }

    /// A repeatable program rewarding every `fact` report, and that many reports today (not yet recorded).
    private static func everyFactScenario(reports count: Int) throws -> (Scenario, [Event]) {
        let s = Scenario()
        s.program("every", try EventReportedRule(type: "fact", value: nil), repeatable: true)
        let reports = (1...count).map {
            Event(id: "r\($0)", userID: "u1", type: "fact", value: "x", occurredAt: s.instant(daysAgo: 0), timeZone: s.timeZone)
        }
        return (s, reports)
    }

    @Test("total-events: the count-th matching event; repeatable every count events")
    func totalEvents() throws {
        let s = Scenario()
        let rule = try TotalEventsRule(count: 3, matcher: EventMatcher(types: ["mood", "symptom"], value: nil))
        s.program("three", rule)
        s.program("every three", rule, repeatable: true)
        var earned: [[String]] = []
        for type in ["mood", "sleep", "symptom", "mood", "mood", "symptom", "mood"] {
            earned.append(try s.log(type, daysAgo: 0))
        }
        #expect(earned == [[], [], [], ["every three", "three"], [], [], ["every three"]])
    }

    @Test("one event may complete several programs, each recorded")
    func severalPrograms() throws {
        let s = Scenario()
        s.program("a", try EventReportedRule(type: "birth", value: nil))
        s.program("b", try TotalEventsRule(count: 1, matcher: EventMatcher(types: nil, value: nil)))
        #expect(try s.log("birth", daysAgo: 0) == ["a", "b"])
        #expect(s.ledger.awards.count == 2)
    }

    @Test("parameters are validated and errors name the field", arguments: [
        ("consecutive-days", #"{"days":1}"#, "parameters.days"),
        ("consecutive-days", #"{}"#, "parameters.days"),
        ("consecutive-days", #"{"days":"5"}"#, "parameters.days"),
        ("consecutive-days", #"{"days":5,"types":[]}"#, "parameters.types"),
        ("event-reported", #"{"value":"x"}"#, "parameters.type"),
        ("total-events", #"{"count":0}"#, "parameters.count"),
        ("no-such-kind", #"{}"#, "incentive"),
        ("total-events", #"[1]"#, "parameters"),
    ])
    func validation(kind: String, parameters: String, field: String) {
        #expect(throws: RuleParameterError.self) { try IncentiveCatalogue.rule(kind: kind, parameters: Data(parameters.utf8)) }
        do {
            _ = try IncentiveCatalogue.rule(kind: kind, parameters: Data(parameters.utf8))
        } catch let error as RuleParameterError {
            #expect(error.field == field)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("the catalogue builds each kind from JSON and shows its parameters back")
    func catalogue() throws {
        let rule = try IncentiveCatalogue.rule(kind: "consecutive-days", parameters: Data(#"{"days":5,"types":["mood"],"value":"ok"}"#.utf8))
        #expect(rule.parameters == ["days": .int(5), "types": .strings(["mood"]), "value": .string("ok")])
        #expect(IncentiveCatalogue.kinds.map { $0.kind } == ["consecutive-days", "event-reported", "total-events"])
    }

    @Test("events more than 5 minutes in the future are refused")
    func futureEvent() throws {
        let s = Scenario()
        #expect(throws: EvaluationError.eventInFuture) { try s.log("mood", at: s.now.addingTimeInterval(301)) }
        #expect(try s.log("mood", at: s.now.addingTimeInterval(299)) == [])
    }

    @Test("evaluation stops at its deadline")
    func deadline() throws {
        let s = Scenario()
        s.program("birth", try EventReportedRule(type: "birth", value: nil))
        let event = Event(id: "x", userID: "u1", type: "birth", value: nil, occurredAt: s.now, timeZone: s.timeZone)
        s.ledger.record(event)
        #expect(throws: EvaluationError.deadlineExceeded) {
            try s.evaluator.evaluate(event, programs: s.programs, ledger: s.ledger, now: s.now, deadline: Deadline { true })
        }
    }

    @Test("local dates: civil arithmetic and ISO form", arguments: ["1970-01-01", "2000-02-29", "2026-12-31", "2400-03-01"])
    func localDates(text: String) throws {
        let date = try #require(LocalDate(iso8601: text))
        #expect(date.description == text)
        #expect(date.adding(days: 1).adding(days: -1) == date)
        #expect(LocalDate(iso8601: "2026-02-30") == nil)
        #expect(LocalDate(year: 1970, month: 1, day: 2).dayNumber == 1)
    }

    @Test("local dates print as %04d-%02d-%02d does, years -9999 to 99999")
    func localDatePrinting() {
        for dayNumber in stride(from: -4_371_000, through: 35_000_000, by: 997) {
            let date = LocalDate(dayNumber: dayNumber)
            let (year, month, day) = date.components
            #expect(date.description == String(format: "%04d-%02d-%02d", year, month, day))
        }
    }
}
