import Foundation
import HTTPTypes
@testable import IncentiveAPI
import PropertyBased
import Testing

/// RFC 3339 timestamps and IANA time zones, at the date transcoder and at the API: strict
/// date-times are accepted to the millisecond, offsets are required, unknown zones are 422, and
/// nothing is ever a 5xx.
@Suite struct TimestampAndTimeZoneProperties {
    static let timestamps = Generator<TimestampCase, Shrink.None<TimestampCase>>.drawing { rng in TimestampCase.draw(&rng) }
    static let timeZones = Generator<String, Shrink.None<String>>.drawing { rng in drawTimeZone(&rng) }

    @Test func transcoderAcceptsStrictDateTimesAndRoundTrips() async {
        let transcoder = LenientDateTranscoder()
        await propertyCheck(count: PropertyIterations.standard * 20, input: Self.timestamps) { timestamp in
            guard let date = try? transcoder.decode(timestamp.text) else {
                #expect(!timestamp.mustBeAccepted, "refused a strict RFC 3339 date-time")
                return
            }
            #expect(!timestamp.lacksOffset, "accepted a date-time without offset as \(date)")
            // What we write is the instant to the millisecond, and reads back as exactly that.
            let written = try transcoder.encode(date)
            let reread = try transcoder.decode(written)
            #expect(abs(reread.timeIntervalSince(date)) < 0.001, "\(written) is not \(date) to the millisecond")
            #expect(try transcoder.encode(reread) == written, "\(written) reads back as \(reread)")
        }
    }

    @Test func eventTimestampsAndZonesAtTheAPI() async throws {
        try await ParserTestApp.run { app in
            let inputs = Generator<(TimestampCase, String?), Shrink.None<(TimestampCase, String?)>>.drawing { rng in
                (TimestampCase.draw(&rng), rng.chance(0.8) ? Self.drawTimeZone(&rng) : nil)
            }
            var statuses: [Int: Int] = [:]
            await propertyCheck(count: PropertyIterations.standard, input: inputs) { timestamp, zone in
                let body = JSONValue.object([
                    "event_id": .string("evt-" + UUID().uuidString), "user_id": .string(TestWorld.userID), "type": .string("workout"),
                    "occurred_at": .string(timestamp.text), "timezone": zone.map { .string($0) } ?? .null,
                ])
                let response = try await app.sendAdmin(.post, "/v1/events", body: BodyCase(bytes: body.bytes, contentType: "application/json", origin: "timestamp"))
                statuses[response.status.code, default: 0] += 1
                ResponseChecks.expectAPIAnswer(response)
                if timestamp.lacksOffset { #expect(response.status.code == 400, "an offset-less time was not refused") }
                if timestamp.mustBeAccepted, let zone, TimeZone(identifier: zone) == nil {
                    #expect(response.status.code == 422, "an unknown zone was not refused")
                }
                if timestamp.mustBeAccepted, zone.map({ TimeZone(identifier: $0) != nil }) ?? true {
                    #expect([201, 422].contains(response.status.code), "status \(response.status.code): \(response.bodyText)")
                }
            }
            #expect(statuses.keys.contains(201) && statuses.keys.contains(422) && statuses.keys.contains(400), "statuses \(statuses)")
        }
    }

    @Test func userTimeZonesAtTheAPI() async throws {
        try await ParserTestApp.run { app in
            await propertyCheck(count: PropertyIterations.standard, input: Self.timeZones) { zone in
                let create = JSONValue.object(["id": .string("tz-" + UUID().uuidString), "timezone": .string(zone)])
                let patch = JSONValue.object(["timezone": .string(zone)])
                let known = TimeZone(identifier: zone) != nil
                for (method, path, body) in [(HTTPRequest.Method.post, "/v1/users", create),
                                             (.patch, "/v1/users/\(TestWorld.userID)", patch)] {
                    let response = try await app.sendAdmin(method, path, body: BodyCase(bytes: body.bytes, contentType: "application/json", origin: "zone"))
                    ResponseChecks.expectAPIAnswer(response)
                    #expect(response.status.code == (known ? (method == .post ? 201 : 200) : 422), "\(method) \(path): \(response.bodyText)")
                }
            }
        }
    }

    @Test func programDatesAtTheAPI() async throws {
        try await ParserTestApp.run { app in
            let programPath = "/v1/employers/\(TestWorld.employerID)/programs"
            let pairs = Generator<(TimestampCase, TimestampCase), Shrink.None<(TimestampCase, TimestampCase)>>.drawing { rng in
                (TimestampCase.draw(&rng), TimestampCase.draw(&rng))
            }
            await propertyCheck(count: PropertyIterations.standard, input: pairs) { startsAt, endsAt in
                let program = JSONValue.object([
                    "name": .string("Dated"), "incentive": .string("total-events"), "parameters": .object(["count": .int(3)]),
                    "reward": .object(["name": .string("R")]), "starts_at": .string(startsAt.text), "ends_at": .string(endsAt.text),
                ])
                let created = try await app.sendAdmin(.post, programPath, body: BodyCase(bytes: program.bytes, contentType: "application/json", origin: "dates"))
                ResponseChecks.expectAPIAnswer(created)
                let patch = JSONValue.object(["ends_at": .string(endsAt.text)])
                let patched = try await app.sendAdmin(.patch, "\(programPath)/\(app.world.programID)",
                                                      body: BodyCase(bytes: patch.bytes, contentType: "application/json", origin: "dates"))
                ResponseChecks.expectAPIAnswer(patched)
                if endsAt.lacksOffset { #expect(patched.status.code == 400) }
            }
        }
    }

    /// Real IANA names (every one the system knows), near misses and garbage.
    static func drawTimeZone<R: RandomNumberGenerator>(_ rng: inout R) -> String {
        switch rng.int(0...3) {
        case 0: return rng.pick(TimeZone.knownTimeZoneIdentifiers)
        case 1: return rng.pick(InterestingValues.timeZones)
        case 2:
            var name = Array(rng.pick(TimeZone.knownTimeZoneIdentifiers))
            name[rng.int(0...(name.count - 1))] = rng.pick(Array("abcXYZ/_-+0 é"))
            return String(name)
        default: return JSONMutator.interestingString(&rng)
        }
    }
}
