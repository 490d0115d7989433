// Evaluation cost per event at several history sizes, in process, on a real SQLite file.
//
// One database (temp dir, the server's own `IncentiveDatabase`: WAL, synchronous=NORMAL), one
// employer with 20 active programs (the same mix scripts/bench-events.sh creates over the API),
// and groups of users whose seeded history is 100, 1,000 and 7,300 events (10 a day, types
// mood/sleep/symptom, about one date in 15 missing so runs break), plus two reference groups:
//   - "7,300 no gaps": 730 dates without a gap, so every consecutive-days question walks one
//     730-day run (the longest a 2-year history can make);
//   - "no employer": users with 100 events and no employer: `ingest` stores the event and its
//     activity row but evaluates nothing. The difference to it is the cost of evaluation.
// Seeding goes through `EventIntake.ingest` with a grace window of 800 days, so the history
// earns what it would have earned (achievements of repeatable programs included).
// Then it times `ingest` of new events (today, unique ids) round-robin over the groups,
// interleaved so that every group sees the same machine state, and prints median and p99 per
// group, the ratio of the 7,300 group to the 100 group, and p99 against the 250 ms budget.
//
// Usage: evaluation-bench [--events N (timed events per group, default 2000)]
//                         [--users N (users per group, default 4)] [--keep (the database)]
//                         [--groups 100,1000,7300,7300nogaps,noemployer (default all)]
//                         [--no-autocheckpoint (diagnostic: SQLite's WAL auto-checkpoint off on
//                          the writer during the timed events, to see what checkpoints add)]
import Foundation
import GRDB
import IncentiveEngine
import IncentiveStore

struct Options {
    var events = 2000
    var users = 4
    var keep = false
    var groups: Set<String>? = nil
    var autocheckpoint = true

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--events": events = try Self.positive(iterator.next(), argument)
            case "--users": users = try Self.positive(iterator.next(), argument)
            case "--keep": keep = true
            case "--groups":
                guard let list = iterator.next() else { throw BenchError("--groups needs a list") }
                groups = Set(list.split(separator: ",").map(String.init))
            case "--no-autocheckpoint": autocheckpoint = false
            default: throw BenchError("unknown argument \(argument)")
            }
        }
    }

    static func positive(_ text: String?, _ name: String) throws -> Int {
        guard let text, let value = Int(text), value > 0 else { throw BenchError("\(name) needs a positive number") }
        return value
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A group of users with the same history.
struct Group {
    let label: String
    let key: String
    let history: Int
    let gaps: Bool
    let employer: Bool
    var userIDs: [String] = []
    var samples: [Duration] = []
    var outcomes: [String: Int] = [:]
    var awards = 0
}

/// The 20 programs, identical to those scripts/bench-events.sh creates over the API.
func programDrafts() throws -> [ProgramRepository.Draft] {
    func draft(_ name: String, _ rule: any IncentiveRule, repeatable: Bool) -> ProgramRepository.Draft {
        .init(name: name, rule: rule, reward: Reward(name: name + " reward"), repeatable: repeatable, active: true,
              startsAt: nil, endsAt: nil)
    }
    func types(_ types: [String]?, _ value: String? = nil) -> EventMatcher { EventMatcher(types: types, value: value) }
    return [
        draft("mood 5 days", try ConsecutiveDaysRule(days: 5, matcher: types(["mood"])), repeatable: true),
        draft("sleep 7 days", try ConsecutiveDaysRule(days: 7, matcher: types(["sleep"])), repeatable: false),
        draft("mood or sleep 3 days", try ConsecutiveDaysRule(days: 3, matcher: types(["mood", "sleep"])), repeatable: true),
        draft("symptom 30 days", try ConsecutiveDaysRule(days: 30, matcher: types(["symptom"])), repeatable: false),
        draft("good mood 10 days", try ConsecutiveDaysRule(days: 10, matcher: types(["mood"], "good")), repeatable: false),
        draft("anything 60 days", try ConsecutiveDaysRule(days: 60, matcher: types(["mood", "sleep", "symptom"])), repeatable: true),
        draft("symptom 2 days", try ConsecutiveDaysRule(days: 2, matcher: types(["symptom"])), repeatable: true),
        draft("sleep 8h 14 days", try ConsecutiveDaysRule(days: 14, matcher: types(["sleep"], "8h")), repeatable: false),
        draft("100 events", try TotalEventsRule(count: 100, matcher: types(nil)), repeatable: true),
        draft("1000 moods", try TotalEventsRule(count: 1000, matcher: types(["mood"])), repeatable: false),
        draft("50 sleeps", try TotalEventsRule(count: 50, matcher: types(["sleep"])), repeatable: true),
        draft("10000 events", try TotalEventsRule(count: 10000, matcher: types(nil)), repeatable: false),
        draft("500 headaches", try TotalEventsRule(count: 500, matcher: types(["symptom"], "headache")), repeatable: true),
        draft("25 good moods", try TotalEventsRule(count: 25, matcher: types(["mood"], "good")), repeatable: false),
        draft("birth", try EventReportedRule(type: "fact", value: "gave birth"), repeatable: false),
        draft("marathon", try EventReportedRule(type: "fact", value: "ran a marathon"), repeatable: true),
        draft("headache reported", try EventReportedRule(type: "symptom", value: "headache"), repeatable: true),
        draft("low mood reported", try EventReportedRule(type: "mood", value: "low"), repeatable: false),
        draft("sleep reported", try EventReportedRule(type: "sleep", value: nil), repeatable: false),
        draft("quit smoking", try EventReportedRule(type: "fact", value: "quit smoking"), repeatable: false),
    ]
}

enum Vocabulary {
    static let types = ["mood", "sleep", "symptom"]
    static let values = ["mood": ["good", "ok", "low"], "sleep": ["7h", "8h", "6h"], "symptom": ["headache", "none", "cough"]]
}

/// A small deterministic generator, so every run seeds the same history.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Counts the SQL statements the writer connection runs (GRDB tracing), by statement shape.
final class StatementCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var shapes: [String: Int] = [:]
    private var total = 0

    func record(_ sql: String) {
        let shape = sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        lock.lock()
        shapes[shape, default: 0] += 1
        total += 1
        lock.unlock()
    }

    func take() -> (total: Int, shapes: [String: Int]) {
        lock.lock()
        defer { shapes = [:]; total = 0; lock.unlock() }
        return (total, shapes)
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
}

func microseconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) * 1e6 + Double(parts.attoseconds) / 1e12
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func lpad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

func format(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

func show(_ value: Double?, _ digits: Int = 0) -> String { value.map { format($0, digits) } ?? "n/a" }

func ratio(_ a: Double?, _ b: Double?) -> Double? {
    guard let a, let b, b > 0 else { return nil }
    return a / b
}

enum EvaluationBench {
    static func main() async throws {
        let options: Options
        do {
            options = try Options(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("""
                evaluation-bench: \(error)
                usage: evaluation-bench [--events N] [--users N] [--keep] [--groups 100,1000,7300,7300nogaps,noemployer] [--no-autocheckpoint]

                """.utf8))
            exit(2)
        }
        let clock = ContinuousClock()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("evaluation-bench-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        defer {
            if !options.keep { try? FileManager.default.removeItem(at: directory) }
        }
        let database = try IncentiveDatabase(directory: directory)
        print("evaluation-bench: database \(directory.appendingPathComponent(IncentiveDatabase.fileName).path)")

        let setupNow = Date()
        _ = try await EmployerRepository(database: database).create(id: "acme", name: "Acme", now: setupNow)
        let programs = ProgramRepository(database: database)
        let drafts = try programDrafts()
        for draft in drafts { _ = try await programs.create(employerID: "acme", draft, now: setupNow) }
        print("employer acme with \(drafts.count) active programs "
              + "(\(drafts.filter { $0.rule is ConsecutiveDaysRule }.count) consecutive-days, "
              + "\(drafts.filter { $0.rule is TotalEventsRule }.count) total-events, "
              + "\(drafts.filter { $0.rule is EventReportedRule }.count) event-reported; "
              + "\(drafts.filter(\.repeatable).count) repeatable)")

        var groups = [
            Group(label: "100 events", key: "100", history: 100, gaps: true, employer: true),
            Group(label: "1,000 events", key: "1000", history: 1000, gaps: true, employer: true),
            Group(label: "7,300 events", key: "7300", history: 7300, gaps: true, employer: true),
            Group(label: "7,300 no gaps", key: "7300nogaps", history: 7300, gaps: false, employer: true),
            Group(label: "no employer (insert only)", key: "noemployer", history: 100, gaps: true, employer: false),
        ]
        if let wanted = options.groups {
            groups.removeAll { !wanted.contains($0.key) }
            guard !groups.isEmpty else { throw BenchError("--groups matches none of 100,1000,7300,7300nogaps,noemployer") }
        }
        let users = UserRepository(database: database)
        var intake = EventIntake(database: database)
        intake.evaluator.graceWindow = 800 * 86_400

        // Seed: 10 events a day on the days before today, newest day yesterday. With gaps, about
        // one date in 15 has no event at all (never the last 3 days, so today's events extend a run).
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let today = utc.startOfDay(for: Date())
        let seedStart = clock.now
        var seeded = 0
        var seedPending = 0
        for index in groups.indices {
            var random = SplitMix64(state: UInt64(index + 1) * 1_000_003)
            for number in 1...options.users {
                let id = "eval-\(groups[index].key)-\(number)"
                _ = try await users.create(.init(id: id, employerID: groups[index].employer ? "acme" : nil, timezone: "UTC",
                                                 username: nil, passwordHash: nil), now: setupNow)
                groups[index].userIDs.append(id)
                var remaining = groups[index].history
                var daysAgo = 1
                var dates: [Int] = []  // days ago that carry events
                while remaining > 0 {
                    let skip = groups[index].gaps && daysAgo > 3 && random.next(upperBound: 15 as UInt64) == 0
                    if !skip {
                        dates.append(daysAgo)
                        remaining -= min(10, remaining)
                    }
                    daysAgo += 1
                }
                remaining = groups[index].history
                var counter = 0
                for daysAgo in dates.reversed() {  // oldest first, as the app would have sent them
                    let day = utc.date(byAdding: .day, value: -daysAgo, to: today)!
                    for slot in 0..<min(10, remaining) {
                        let type = Vocabulary.types[counter % 3]
                        let values = Vocabulary.values[type]!
                        let value = values[Int(random.next(upperBound: UInt64(values.count)))]
                        let submission = EventSubmission(
                            eventID: "seed-\(counter)", userID: id, type: type, value: value,
                            occurredAt: day.addingTimeInterval(Double(7 * 3600 + slot * 3600 + Int(random.next(upperBound: 3000 as UInt64)))),
                            timezone: nil)
                        let result = try await intake.ingest(submission, now: Date())
                        if result.outcome != .created { seedPending += 1 }  // evaluation passed its budget: left to a job
                        counter += 1
                    }
                    remaining -= min(10, remaining)
                }
                seeded += counter
            }
        }
        let seedSeconds = microseconds(seedStart.duration(to: clock.now)) / 1e6
        print("seeded \(seeded) events for \(groups.count) groups x \(options.users) users in \(format(seedSeconds, 1)) s "
              + "(\(format(Double(seeded) / seedSeconds)) ingests/s, each evaluated; \(seedPending) left pending past the 250 ms budget)")

        if !options.autocheckpoint {
            try await database.writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            }
            print("diagnostic: WAL auto-checkpoint off for the timed events")
        }

        // Timed: new events of today, round-robin over groups (interleaved) and their users.
        let warmup = max(50, options.events / 10)
        let occurredAt = Date().addingTimeInterval(-60)
        var counter = 0
        for round in 0..<(warmup + options.events) {
            for index in groups.indices {
                let group = groups[index]
                let type = Vocabulary.types[round % 3]
                let values = Vocabulary.values[type]!
                let submission = EventSubmission(
                    eventID: "timed-\(counter)", userID: group.userIDs[round % group.userIDs.count], type: type,
                    value: values[(round / 3) % values.count], occurredAt: occurredAt, timezone: nil)
                counter += 1
                let start = clock.now
                let result = try await intake.ingest(submission, now: Date())
                let elapsed = start.duration(to: clock.now)
                guard round >= warmup else { continue }
                groups[index].samples.append(elapsed)
                groups[index].outcomes["\(result.outcome)", default: 0] += 1
                groups[index].awards += result.achievements.count
            }
        }

        // What one ingest asks SQLite, per group: statements on the writer connection (traced in a
        // separate pass, so tracing does not slow the timed events).
        let traced = 30
        let statements = StatementCounter()
        try await database.writer.writeWithoutTransaction { db in
            db.trace { event in
                if case .statement(let statement) = event { statements.record(statement.sql) }
            }
        }
        var statementsPerIngest: [String: Double] = [:]
        var shapesPerGroup: [String: [String: Int]] = [:]
        for index in groups.indices {
            _ = statements.take()
            for round in 0..<traced {
                let type = Vocabulary.types[round % 3]
                let submission = EventSubmission(
                    eventID: "traced-\(counter)", userID: groups[index].userIDs[round % groups[index].userIDs.count], type: type,
                    value: Vocabulary.values[type]![(round / 3) % 3], occurredAt: occurredAt, timezone: nil)
                counter += 1
                _ = try await intake.ingest(submission, now: Date())
            }
            let (total, shapes) = statements.take()
            statementsPerIngest[groups[index].key] = Double(total) / Double(traced)
            shapesPerGroup[groups[index].key] = shapes
        }
        try await database.writer.writeWithoutTransaction { db in db.trace(options: []) }

        // Report.
        print("")
        print("ingest of a new event (insert + evaluation of 20 programs + commit, one transaction), "
              + "\(options.events) events per group after \(warmup) warm-up, \(options.users) users per group")
        print(pad("history per user", 28) + lpad("median us", 11) + lpad("p99 us", 10) + lpad("p99.9 us", 10) + lpad("max us", 10)
              + lpad("mean us", 10) + lpad("eval us*", 10) + lpad("SQL/ingest", 12) + "  outcomes, awards")
        var medians: [String: Double] = [:]
        var p99s: [String: Double] = [:]
        let baselineMedian = groups.first { $0.key == "noemployer" }.map { percentile($0.samples.map(microseconds).sorted(), 0.5) }
        for group in groups {
            let sorted = group.samples.map(microseconds).sorted()
            let median = percentile(sorted, 0.5)
            let p99 = percentile(sorted, 0.99)
            medians[group.key] = median
            p99s[group.key] = p99
            let outcomes = group.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print(pad(group.label, 28) + lpad(format(median), 11) + lpad(format(p99), 10) + lpad(format(percentile(sorted, 0.999)), 10)
                  + lpad(format(sorted.last ?? .nan), 10) + lpad(format(sorted.reduce(0, +) / Double(max(1, sorted.count))), 10)
                  + lpad(group.employer ? show(baselineMedian.map { median - $0 }) : "-", 10)
                  + lpad(show(statementsPerIngest[group.key], 1), 12)
                  + "  \(outcomes), \(group.awards) awards")
        }
        print("* eval us = median minus the median of the no-employer group (same insert and commit, no programs)")
        if let big = shapesPerGroup["7300"], let small = shapesPerGroup["100"] {
            print("")
            print("SQL statements per ingest on the writer connection, 7,300 vs 100 events of history (\(traced) traced events each):")
            for shape in Set(big.keys).union(small.keys).sorted(by: { (big[$0] ?? 0) > (big[$1] ?? 0) }).prefix(8) {
                let text = shape.count > 104 ? String(shape.prefix(101)) + "..." : shape
                print("  " + lpad(format(Double(big[shape] ?? 0) / Double(traced), 1), 7)
                      + lpad(format(Double(small[shape] ?? 0) / Double(traced), 1), 7) + "  " + text)
            }
        }
        let ratioMedian = ratio(medians["7300"], medians["100"])
        let ratioP99 = ratio(p99s["7300"], p99s["100"])
        print("")
        print("growth 7,300 vs 100 events:  median \(show(medians["7300"])) us vs \(show(medians["100"])) us = x\(show(ratioMedian, 2)); "
              + "p99 \(show(p99s["7300"])) us vs \(show(p99s["100"])) us = x\(show(ratioP99, 2))  (target: does not grow, x ~1.0)")
        print("growth 1,000 vs 100 events:  median x\(show(ratio(medians["1000"], medians["100"]), 2)); "
              + "p99 x\(show(ratio(p99s["1000"], p99s["100"]), 2))")
        print("unbroken 730-day run vs 100: median x\(show(ratio(medians["7300nogaps"], medians["100"]), 2)); "
              + "p99 x\(show(ratio(p99s["7300nogaps"], p99s["100"]), 2))")
        if let worst = p99s.values.max() {
            print("budget: worst p99 \(format(worst / 1000, 3)) ms vs the evaluation budget of 250 ms (\(format(100 * worst / 1000 / 250, 2)) % of it)")
        }
        var summary: [String] = []
        for group in groups {
            summary.append("p50_\(group.key)=\(show(medians[group.key]))")
            summary.append("p99_\(group.key)=\(show(p99s[group.key]))")
            summary.append("sql_\(group.key)=\(show(statementsPerIngest[group.key], 1))")
        }
        summary += ["ratio_p50=\(show(ratioMedian, 2))", "ratio_p99=\(show(ratioP99, 2))",
                    "seed_s=\(format(seedSeconds, 1))", "seed_pending=\(seedPending)"]
        print("SUMMARY " + summary.joined(separator: " "))
    }
}

try await EvaluationBench.main()
