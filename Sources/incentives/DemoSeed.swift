import Foundation
import IncentiveAPI
import IncentiveEngine
import IncentiveStore

/// The seed scenario: employer 1 with a 5-day logging program (a pregnancy pillow) and a birth
/// program, user 1, and an API key; returns the commands that show the rewards.
enum DemoSeed {
    static func run(services: AppServices, baseURL: String, caPath: String, now: Date = Date()) async throws -> String {
        let employers = EmployerRepository(database: services.database)
        if try await employers.find("1") == nil {
            _ = try await employers.create(id: "1", name: "Acme Health Benefits")
            let programs = ProgramRepository(database: services.database)
            _ = try await programs.create(employerID: "1", .init(
                name: "Log 5 days in a row", rule: try ConsecutiveDaysRule(days: 5, matcher: .init(types: nil, value: nil)),
                reward: Reward(name: "Pregnancy pillow", description: "Sent to the user's address"),
                repeatable: false, active: true, startsAt: nil, endsAt: nil))
            _ = try await programs.create(employerID: "1", .init(
                name: "Report a birth", rule: try EventReportedRule(type: "fact", value: "gave birth"),
                reward: Reward(name: "Baby welcome kit"), repeatable: false, active: true, startsAt: nil, endsAt: nil))
        }
        let users = UserRepository(database: services.database)
        if try await users.find("1") == nil {
            _ = try await users.create(.init(id: "1", employerID: "1", timezone: "UTC", username: nil, passwordHash: nil))
        }
        let (_, key) = try await services.apiKeys.create(name: "demo", scopes: [.eventsWrite, .admin])
        return instructions(key: key, baseURL: baseURL, caPath: caPath, now: now)
    }

    private static func instructions(key: String, baseURL: String, caPath: String, now: Date) -> String {
        let curl = "curl -sS --cacert \(caPath) -H 'Authorization: Bearer \(key)'"
        var lines = [
            "Seeded employer 1 (programs: 'Log 5 days in a row' -> pregnancy pillow, 'Report a birth' -> baby welcome kit) and user 1.",
            "API key (events:write, admin), shown once:", key, "",
            "With the server running (scripts/run.sh), log five days of mood for user 1; the fifth reply names the pillow:",
        ]
        for daysAgo in (0...4).reversed() {
            let when = now.addingTimeInterval(Double(-daysAgo) * 86_400).formatted(.iso8601)
            lines.append("\(curl) -H 'Content-Type: application/json' \(baseURL)/v1/events -d "
                + "'{\"event_id\":\"demo-mood-\(daysAgo)\",\"user_id\":\"1\",\"type\":\"mood\",\"value\":\"good\",\"occurred_at\":\"\(when)\"}'")
        }
        lines += [
            "", "Report a birth:",
            "\(curl) -H 'Content-Type: application/json' \(baseURL)/v1/events -d "
                + "'{\"event_id\":\"demo-birth\",\"user_id\":\"1\",\"type\":\"fact\",\"value\":\"gave birth\",\"occurred_at\":\"\(now.formatted(.iso8601))\"}'",
            "", "See the rewards and the progress:",
            "\(curl) \(baseURL)/v1/users/1/achievements",
            "\(curl) \(baseURL)/v1/users/1/progress",
        ]
        return lines.joined(separator: "\n")
    }
}
