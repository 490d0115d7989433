import Foundation
import IncentiveAPIGenerated
import IncentiveEngine
import IncentiveStore
import OpenAPIRuntime
import PartnerAuth

/// The `/v1` JSON API, conforming to the protocol generated from `openapi.yaml`. Errors are
/// thrown and become problem+json in `ProblemMiddleware`; handlers return only successes. Who may
/// call each operation is checked before its body is read, by `OperationAccessMiddleware`.
struct IncentiveAPIHandler: APIProtocol {
    let intake: EventIntake
    let users: UserRepository
    let employers: EmployerRepository
    let programs: ProgramRepository
    let achievements: AchievementRepository
    let passwordIterations: Int
    let passwords: PasswordHasher
    let partnerAPI: PartnerAPIHandler
    let auditAPI: AuditAPIHandler

    // MARK: Events

    func createEvent(_ input: Operations.CreateEvent.Input) async throws -> Operations.CreateEvent.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("expected JSON") }
        try Validate.length(body.eventId, "event_id", 1...200)
        try Validate.length(body.userId, "user_id", 1...200)
        try Validate.length(body._type, "type", 1...100)
        if let value = body.value { try Validate.length(value, "value", 0...1000) }
        let result = try await intake.ingest(EventSubmission(
            eventID: body.eventId, userID: body.userId, type: body._type, value: body.value,
            occurredAt: body.occurredAt, timezone: body.timezone))
        let payload = Components.Schemas.EventResult(result)
        ServiceMetrics.eventIngested(evaluation: "\(result.outcome)", achievements: payload.achievements.count)
        switch result.outcome {
        case .created: return .created(.init(body: .json(payload)))
        case .pending: return .accepted(.init(body: .json(payload)))
        case .replayed: return .ok(.init(headers: .init(idempotentReplayed: true), body: .json(payload)))
        }
    }

    // MARK: The app's view of a user

    func listUserAchievements(_ input: Operations.ListUserAchievements.Input) async throws -> Operations.ListUserAchievements.Output {
        let after = try ListCursor.decodeSequence(input.query.cursor)
        let page = try await achievements.list(userID: input.path.userId, after: after, limit: try ListCursor.limit(input.query.limit))
        return .ok(.init(body: .json(.init(data: page.items.map(Components.Schemas.Achievement.init),
                                          nextCursor: page.nextAfter.map { ListCursor.encode(String($0)) }))))
    }

    func getUserProgress(_ input: Operations.GetUserProgress.Input) async throws -> Operations.GetUserProgress.Output {
        let standings = try await achievements.progress(userID: input.path.userId)
        return .ok(.init(body: .json(.init(data: standings.map { standing in
            let program = standing.program
            return .init(programId: program.id, programName: program.name, incentive: program.incentive,
                         reward: .init(name: program.rewardName, description: program.rewardDescription, payload: program.rewardPayload),
                         repeatable: program.repeatable, achieved: standing.achievements > 0, achievements: standing.achievements,
                         current: standing.current, target: standing.target,
                         remaining: standing.current >= standing.target ? 0 : standing.target - standing.current)
        }))))
    }

    // MARK: Catalogue and employers

    func listIncentives(_ input: Operations.ListIncentives.Input) async throws -> Operations.ListIncentives.Output {
        let data = IncentiveCatalogue.kinds.map { kind in
            Components.Schemas.Incentive(kind: kind.kind, summary: kind.summary,
                                         parameters: .init(additionalProperties: kind.parameterHelp))
        }
        return .ok(.init(body: .json(.init(data: data, nextCursor: nil))))
    }

    func createEmployer(_ input: Operations.CreateEmployer.Input) async throws -> Operations.CreateEmployer.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("expected JSON") }
        try Validate.identifier(body.id, "id")
        try Validate.length(body.name, "name", 1...200)
        let employer = try await employers.create(id: body.id, name: body.name, audit: RequestIdentity.adminChange)
        return .created(.init(body: .json(.init(employer))))
    }

    func listEmployers(_ input: Operations.ListEmployers.Input) async throws -> Operations.ListEmployers.Output {
        let page = try await employers.list(after: try ListCursor.decode(input.query.cursor), limit: try ListCursor.limit(input.query.limit))
        return .ok(.init(body: .json(.init(data: page.items.map(Components.Schemas.Employer.init),
                                          nextCursor: page.nextAfter.map(ListCursor.encode)))))
    }

    // MARK: Programs

    func createProgram(_ input: Operations.CreateProgram.Input) async throws -> Operations.CreateProgram.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("expected JSON") }
        let draft = try ProgramDraftMapping.draft(from: body)
        let program = try await programs.create(employerID: input.path.employerId, draft, audit: RequestIdentity.adminChange)
        return .created(.init(body: .json(try .init(program))))
    }

    func listPrograms(_ input: Operations.ListPrograms.Input) async throws -> Operations.ListPrograms.Output {
        let page = try await programs.list(employerID: input.path.employerId, after: try ListCursor.decode(input.query.cursor),
                                           limit: try ListCursor.limit(input.query.limit))
        return .ok(.init(body: .json(.init(data: try page.items.map(Components.Schemas.Program.init),
                                          nextCursor: page.nextAfter.map(ListCursor.encode)))))
    }

    func updateProgram(_ input: Operations.UpdateProgram.Input) async throws -> Operations.UpdateProgram.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("expected JSON") }
        if let name = body.name { try Validate.length(name, "name", 1...200) }
        if let rewardName = body.rewardName { try Validate.length(rewardName, "reward_name", 1...200) }
        if let description = body.rewardDescription { try Validate.length(description, "reward_description", 0...2000) }
        let patch = ProgramRepository.Patch(active: body.active, endsAt: body.endsAt.map { .some($0) }, name: body.name,
                                            rewardName: body.rewardName, rewardDescription: body.rewardDescription.map { .some($0) })
        let program = try await programs.update(employerID: input.path.employerId, programID: input.path.programId, patch,
                                                 audit: RequestIdentity.adminChange)
        return .ok(.init(body: .json(try .init(program))))
    }

    // MARK: Users

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("expected JSON") }
        try Validate.identifier(body.id, "id")
        let timezone = body.timezone ?? "UTC"
        try Validate.timeZone(timezone)
        guard (body.username == nil) == (body.password == nil) else {
            throw APIProblem.unprocessable(field: body.username == nil ? "username" : "password", reason: "is required with the other")
        }
        if let username = body.username { try Validate.length(username, "username", 1...100) }
        var passwordHash: String?
        if let password = body.password {
            try Validate.length(password, "password", 12...1000)
            passwordHash = try await passwords.make(password, iterations: passwordIterations)
        }
        let user = try await users.create(.init(id: body.id, employerID: body.employerId, timezone: timezone,
                                                username: body.username, passwordHash: passwordHash), audit: RequestIdentity.adminChange)
        return .created(.init(body: .json(.init(user))))
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let page = try await users.list(after: try ListCursor.decode(input.query.cursor), limit: try ListCursor.limit(input.query.limit))
        return .ok(.init(body: .json(.init(data: page.items.map(Components.Schemas.User.init),
                                          nextCursor: page.nextAfter.map(ListCursor.encode)))))
    }

    func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        guard let user = try await users.find(input.path.userId) else { throw APIProblem.notFound("No user \(input.path.userId)") }
        return .ok(.init(body: .json(.init(user))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        guard case .json(let body) = input.body else { throw APIProblem.badRequest("expected JSON") }
        if let timezone = body.timezone { try Validate.timeZone(timezone) }
        // The generated type cannot tell `"employer_id": null` from an absent key; null keeps the employer.
        let user = try await users.update(id: input.path.userId, employerID: body.employerId.map { .some($0) }, timezone: body.timezone,
                                        audit: RequestIdentity.adminChange)
        return .ok(.init(body: .json(.init(user))))
    }

    // MARK: Partner access (forwarded to PartnerAPIHandler)

    func createPartner(_ input: Operations.CreatePartner.Input) async throws -> Operations.CreatePartner.Output {
        try await partnerAPI.createPartner(input)
    }
    func listPartners(_ input: Operations.ListPartners.Input) async throws -> Operations.ListPartners.Output {
        try await partnerAPI.listPartners(input)
    }
    func updatePartner(_ input: Operations.UpdatePartner.Input) async throws -> Operations.UpdatePartner.Output {
        try await partnerAPI.updatePartner(input)
    }
    func rotatePartnerSecret(_ input: Operations.RotatePartnerSecret.Input) async throws -> Operations.RotatePartnerSecret.Output {
        try await partnerAPI.rotatePartnerSecret(input)
    }
    func listPartnerGrants(_ input: Operations.ListPartnerGrants.Input) async throws -> Operations.ListPartnerGrants.Output {
        try await partnerAPI.listPartnerGrants(input)
    }
    func revokeGrant(_ input: Operations.RevokeGrant.Input) async throws -> Operations.RevokeGrant.Output {
        try await partnerAPI.revokeGrant(input)
    }
    func listMyGrants(_ input: Operations.ListMyGrants.Input) async throws -> Operations.ListMyGrants.Output {
        try await partnerAPI.listMyGrants(input)
    }
    func revokeMyGrant(_ input: Operations.RevokeMyGrant.Input) async throws -> Operations.RevokeMyGrant.Output {
        try await partnerAPI.revokeMyGrant(input)
    }
    func listAuditEvents(_ input: Operations.ListAuditEvents.Input) async throws -> Operations.ListAuditEvents.Output {
        try await auditAPI.listAuditEvents(input)
    }
    func createSignInLink(_ input: Operations.CreateSignInLink.Input) async throws -> Operations.CreateSignInLink.Output {
        try await partnerAPI.createSignInLink(input)
    }
}
