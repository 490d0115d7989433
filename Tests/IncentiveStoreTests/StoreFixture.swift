import Foundation
import IncentiveEngine
import IncentiveStore

/// A fresh SQLite file in a temporary folder with one employer.
struct StoreFixture {
    let folder: URL
    let database: IncentiveDatabase
    let now = ISO8601DateFormatter().date(from: "2026-03-18T12:00:00Z")!

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        database = try IncentiveDatabase(directory: folder)
    }

    var intake: EventIntake { EventIntake(database: database) }

    func employer(_ id: String = "1") async throws {
        _ = try await EmployerRepository(database: database).create(id: id, name: "Employer \(id)", now: now)
    }

    func user(_ id: String, employer: String? = "1", timezone: String = "UTC") async throws {
        _ = try await UserRepository(database: database).create(
            .init(id: id, employerID: employer, timezone: timezone, username: nil, passwordHash: nil), now: now)
    }

    @discardableResult
    func program(_ name: String, _ rule: any IncentiveRule, employer: String = "1", repeatable: Bool = false,
                 active: Bool = true, endsAt: Date? = nil) async throws -> ProgramRecord {
        try await ProgramRepository(database: database).create(
            employerID: employer,
            .init(name: name, rule: rule, reward: Reward(name: name), repeatable: repeatable, active: active,
                  startsAt: nil, endsAt: endsAt), now: now)
    }

    func submission(_ id: String, user: String = "u1", type: String = "mood", value: String? = nil,
                    daysAgo: Int = 0, timezone: String? = nil) -> EventSubmission {
        EventSubmission(eventID: id, userID: user, type: type, value: value,
                        occurredAt: now.addingTimeInterval(Double(-daysAgo) * 86_400), timezone: timezone)
    }

    func rewards(_ result: IntakeResult) -> [String] { result.achievements.map(\.programName).sorted() }
}
