import Foundation
import IncentiveAPIGenerated
import IncentiveEngine
import IncentiveStore

/// Wire shapes of stored records.
extension Components.Schemas.Event {
    init(_ record: EventRecord) {
        self.init(eventId: record.eventId, userId: record.userId, _type: record.type, value: record.value,
                  occurredAt: record.occurredAt, timezone: record.timezone,
                  localDate: LocalDate(dayNumber: record.localDay).description, employerId: record.employerId,
                  receivedAt: record.receivedAt)
    }
}

extension Components.Schemas.Achievement {
    init(_ record: AchievementRecord) {
        let eventIDs = record.eventIDList
        self.init(id: record.id, userId: record.userId, employerId: record.employerId, programId: record.programId,
                  programName: record.programName, incentive: record.incentive,
                  reward: .init(name: record.rewardName, description: record.rewardDescription, payload: record.rewardPayload),
                  achievedAt: record.achievedAt, achievedOn: record.achievedOn, eventIds: eventIDs, periodKey: record.periodKey)
    }
}

extension Components.Schemas.EventResult {
    init(_ result: IntakeResult) {
        self.init(event: .init(result.event), evaluation: result.event.evaluation == "pending" ? .pending : .complete,
                  achievements: result.achievements.map(Components.Schemas.Achievement.init))
    }
}

extension Components.Schemas.User {
    init(_ record: UserRecord) {
        self.init(id: record.id, employerId: record.employerId, timezone: record.timezone, username: record.username,
                  createdAt: record.createdAt)
    }
}

extension Components.Schemas.Employer {
    init(_ record: EmployerRecord) {
        self.init(id: record.id, name: record.name, createdAt: record.createdAt)
    }
}

extension Components.Schemas.Program {
    init(_ record: ProgramRecord) throws {
        let parameters = try JSONDecoder().decode(OpenAPIObjectContainerBox.self, from: Data(record.parameters.utf8)).container
        self.init(id: record.id, employerId: record.employerId, name: record.name, incentive: record.incentive,
                  parameters: .init(additionalProperties: parameters),
                  reward: .init(name: record.rewardName, description: record.rewardDescription, payload: record.rewardPayload),
                  repeatable: record.repeatable, active: record.active, startsAt: record.startsAt, endsAt: record.endsAt,
                  createdAt: record.createdAt)
    }
}

import OpenAPIRuntime

/// Decodes a JSON object into the runtime's free-form container.
private struct OpenAPIObjectContainerBox: Decodable {
    let container: OpenAPIObjectContainer
    init(from decoder: any Decoder) throws {
        container = try OpenAPIObjectContainer(from: decoder)
    }
}
