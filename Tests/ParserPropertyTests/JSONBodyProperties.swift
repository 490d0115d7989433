import Foundation
import HTTPTypes
import PropertyBased
import Testing

/// Random and mutated JSON bodies, sent through the real router to every `/v1` endpoint that
/// takes one, get a 2xx or a 4xx problem+json: never a 5xx, never a crash.
@Suite struct JSONBodyProperties {
    static let eventFields = ["event_id", "user_id", "type", "value", "occurred_at", "timezone"]
    static let programFields = ["name", "incentive", "parameters", "reward", "repeatable", "active", "starts_at", "ends_at",
                                "days", "types", "value", "type", "count", "description", "payload"]

    @Test func eventBodies() async throws {
        try await check(.post, "/v1/events", fields: Self.eventFields) { rng in
            .object([
                "event_id": .string("evt-" + rng.word()), "user_id": .string(rng.chance(0.5) ? TestWorld.userID : "u-" + rng.word()),
                "type": .string(rng.pick([TestWorld.eventType, "workout", "birth"])), "value": rng.chance(0.5) ? .null : .string("x"),
                "occurred_at": .string(rng.pick(["2024-05-06T07:12:30.250+02:00", "2024-05-06T14:03:00Z"])),
                "timezone": .string(rng.pick(["Europe/Berlin", "UTC", "America/New_York"])),
            ])
        }
    }

    @Test func employerBodies() async throws {
        try await check(.post, "/v1/employers", fields: ["id", "name"]) { rng in
            .object(["id": .string("emp-" + rng.word()), "name": .string("Employer " + rng.word())])
        }
    }

    @Test func consecutiveDaysProgramBodies() async throws {
        try await check(.post, "/v1/employers/\(TestWorld.employerID)/programs", fields: Self.programFields) { rng in
            Self.program("consecutive-days", parameters: .object([
                "days": .int(rng.int(2...30)), "types": .array([.string("workout"), .string("walk")]), "value": .null,
            ]), &rng)
        }
    }

    @Test func eventReportedProgramBodies() async throws {
        try await check(.post, "/v1/employers/\(TestWorld.employerID)/programs", fields: Self.programFields) { rng in
            Self.program("event-reported", parameters: .object(["type": .string("birth"), "value": .null]), &rng)
        }
    }

    @Test func totalEventsProgramBodies() async throws {
        try await check(.post, "/v1/employers/\(TestWorld.employerID)/programs", fields: Self.programFields) { rng in
            Self.program("total-events", parameters: .object([
                "count": .int(rng.int(1...100)), "types": .array([.string("workout")]),
            ]), &rng)
        }
    }

    @Test func userBodies() async throws {
        try await check(.post, "/v1/users", fields: ["id", "employer_id", "timezone", "username", "password"]) { rng in
            let withPassword = rng.chance(0.3)
            return .object([
                "id": .string("u-" + rng.word()), "employer_id": rng.chance(0.5) ? .string(TestWorld.employerID) : .null,
                "timezone": .string(rng.pick(["Europe/Berlin", "UTC", "Asia/Kathmandu"])),
                "username": withPassword ? .string("user-" + rng.word()) : .null,
                "password": withPassword ? .string("a long enough password") : .null,
            ])
        }
    }

    @Test func userPatchBodies() async throws {
        try await check(.patch, "/v1/users/\(TestWorld.userID)", fields: ["employer_id", "timezone"]) { rng in
            .object(["employer_id": .string(TestWorld.employerID), "timezone": .string(rng.pick(["Europe/Berlin", "UTC"]))])
        }
    }

    @Test func programPatchBodies() async throws {
        try await ParserTestApp.run { app in
            let path = "/v1/employers/\(TestWorld.employerID)/programs/\(app.world.programID)"
            try await Self.check(app, .patch, path, fields: ["active", "ends_at", "name", "reward_name", "reward_description"]) { rng in
                .object([
                    "active": .bool(true), "ends_at": rng.chance(0.5) ? .null : .string("2999-01-01T00:00:00Z"),
                    "name": .string("Every ping"), "reward_name": .string("A sticker"), "reward_description": .string(rng.word()),
                ])
            }
        }
    }

    @Test func partnerBodies() async throws {
        try await ParserTestApp.run { app in
            let programID = app.world.programID
            try await Self.check(app, .post, "/v1/partners", fields: ["name", "redirect_uris", "scopes", "program_ids"]) { rng in
                .object([
                    "name": .string("Partner " + rng.word()),
                    "redirect_uris": .array([.string(rng.pick([TestWorld.redirectURI, "http://127.0.0.1:9000/cb", "https://a.example/x?y=1"]))]),
                    "scopes": .array([.string("achievements:read")]), "program_ids": .array(rng.chance(0.5) ? [.string(programID)] : []),
                ])
            }
        }
    }

    @Test func partnerPatchBodies() async throws {
        try await ParserTestApp.run { app in
            // Re-enabled by every valid body that says so; a disabled partner is still a valid target.
            try await Self.check(app, .patch, "/v1/partners/\(app.world.partner.clientId)", fields: ["disabled"]) { rng in
                .object(["disabled": .bool(rng.chance(0.3))])
            }
        }
    }

    // MARK: Helpers

    private static func program(_ incentive: String, parameters: JSONValue, _ rng: inout RandomSource) -> JSONValue {
        .object([
            "name": .string("Program " + rng.word()), "incentive": .string(incentive), "parameters": parameters,
            "reward": .object(["name": .string("Reward"), "description": .null, "payload": .string(#"{"sku":"PTO-1D"}"#)]),
            "repeatable": .bool(rng.chance(0.5)), "active": .bool(true),
            "starts_at": .string("2024-05-01T00:00:00+02:00"), "ends_at": .null,
        ])
    }

    private func check(
        _ method: HTTPRequest.Method, _ path: String, fields: [String],
        example: @escaping @Sendable (inout RandomSource) -> JSONValue
    ) async throws {
        try await ParserTestApp.run { app in
            try await Self.check(app, method, path, fields: fields, example: example)
        }
    }

    private static func check(
        _ app: ParserTestApp, _ method: HTTPRequest.Method, _ path: String, fields: [String],
        example: @escaping @Sendable (inout RandomSource) -> JSONValue
    ) async throws {
        let bodies = JSONBodyGenerator(validExample: example, fieldNames: fields)
        var statuses: [Int: Int] = [:]
        await propertyCheck(count: PropertyIterations.standard, input: bodies.generator) { body in
            let response = try await app.sendAdmin(method, path, body: body)
            statuses[response.status.code, default: 0] += 1
            ResponseChecks.expectAPIAnswer(response)
            if body.origin == "valid" {
                #expect((200..<300).contains(response.status.code), "a valid body was refused: \(response.bodyText)")
            }
        }
        // The generator must reach both the handlers and the refusals, or the property says little.
        #expect(statuses.keys.contains { (200..<300).contains($0) }, "no 2xx among \(statuses)")
        #expect(statuses.keys.contains(400), "no 400 among \(statuses)")
    }
}
