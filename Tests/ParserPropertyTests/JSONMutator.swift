/// Random JSON documents and structural mutations of valid ones: missing, extra and duplicated
/// members, values of the wrong type, odd numbers, strings, dates and time zones, deep nesting.
enum JSONMutator {
    /// `seed` with one to four structural mutations.
    static func mutate<R: RandomNumberGenerator>(_ seed: JSONValue, fieldNames: [String], _ rng: inout R) -> JSONValue {
        var value = seed
        for _ in 0..<rng.int(1...4) {
            value = mutateOnce(value, fieldNames: fieldNames, &rng)
        }
        return value
    }

    static func randomValue<R: RandomNumberGenerator>(depth: Int = 4, _ rng: inout R) -> JSONValue {
        let choice = rng.int(0...(depth > 0 ? 9 : 5))
        switch choice {
        case 0: return .null
        case 1: return .bool(rng.chance(0.5))
        case 2: return .number(rng.pick(InterestingValues.numbers))
        case 3: return .string(interestingString(&rng))
        case 4: return rng.pick(InterestingValues.jsonValues)
        case 5: return .int(rng.int(-1_000...1_000))
        case 6, 7: return .array((0..<rng.int(0...4)).map { _ in randomValue(depth: depth - 1, &rng) })
        default:
            return .object((0..<rng.int(0...4)).map { _ in
                JSONValue.Member(key: rng.chance(0.5) ? rng.word() : interestingString(&rng), value: randomValue(depth: depth - 1, &rng))
            })
        }
    }

    /// Any of the odd strings, timestamps or time zones.
    static func interestingString<R: RandomNumberGenerator>(_ rng: inout R) -> String {
        switch rng.int(0...3) {
        case 0: rng.pick(InterestingValues.timestamps)
        case 1: rng.pick(InterestingValues.timeZones)
        case 2: rng.word(0...30)
        default: rng.pick(InterestingValues.strings)
        }
    }

    /// `[[[...]]]` or `{"a":{"a":...}}`, from a few levels to far past any parser's depth limit.
    static func deeplyNested<R: RandomNumberGenerator>(_ rng: inout R) -> JSONValue {
        let depth = rng.pick([10, 100, 513, 1_000, 10_000, 30_000])
        let asArrays = rng.chance(0.5)
        let open = asArrays ? "[" : "{\"a\":"
        let close = asArrays ? "]" : "}"
        return .raw(String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth))
    }

    private static func mutateOnce<R: RandomNumberGenerator>(_ value: JSONValue, fieldNames: [String], _ rng: inout R) -> JSONValue {
        switch rng.int(0...9) {
        case 0: return .array([value])
        case 1: return rng.chance(0.5) ? randomValue(depth: 1, &rng) : .raw(rng.pick(InterestingValues.rawFragments))
        default: return mutateMember(value, fieldNames: fieldNames, &rng)
        }
    }

    /// Changes one member of the object at a random depth; other values are replaced whole.
    private static func mutateMember<R: RandomNumberGenerator>(_ value: JSONValue, fieldNames: [String], _ rng: inout R) -> JSONValue {
        guard case .object(var members) = value else { return replacement(for: value, &rng) }
        let index = members.isEmpty ? nil : rng.int(0...(members.count - 1))
        switch rng.int(0...7) {
        case 0 where index != nil:
            members.remove(at: index!)
        case 1:
            members.insert(.init(key: newKey(fieldNames: fieldNames, &rng), value: randomValue(depth: 2, &rng)),
                           at: rng.int(0...members.count))
        case 2 where index != nil:
            members.append(.init(key: members[index!].key, value: randomValue(depth: 1, &rng)))
        case 3 where index != nil:
            members[index!].value = mutateMember(members[index!].value, fieldNames: fieldNames, &rng)
        case 4 where index != nil:
            members[index!].key = renamedKey(members[index!].key, &rng)
        case 5 where index != nil:
            members[index!].value = deeplyNested(&rng)
        default:
            if let index { members[index].value = replacement(for: members[index].value, &rng) }
        }
        return .object(members)
    }

    /// A value of another type, or an odd value of the same type.
    private static func replacement<R: RandomNumberGenerator>(for value: JSONValue, _ rng: inout R) -> JSONValue {
        switch value {
        case .string where rng.chance(0.6): .string(interestingString(&rng))
        case .number where rng.chance(0.6): .number(rng.pick(InterestingValues.numbers))
        case .number where rng.chance(0.3): .raw(rng.pick(InterestingValues.invalidNumbers))
        case .array(let items) where rng.chance(0.5) && !items.isEmpty:
            .array(items + [randomValue(depth: 1, &rng)])
        default: randomValue(depth: 2, &rng)
        }
    }

    private static func newKey<R: RandomNumberGenerator>(fieldNames: [String], _ rng: inout R) -> String {
        rng.chance(0.6) ? rng.pick(fieldNames) : rng.chance(0.5) ? rng.word() : rng.pick(InterestingValues.strings)
    }

    /// The same field under a near-miss name: `eventId`, `EVENT_ID`, `event_id `.
    private static func renamedKey<R: RandomNumberGenerator>(_ key: String, _ rng: inout R) -> String {
        switch rng.int(0...3) {
        case 0: key.uppercased()
        case 1: key.split(separator: "_").enumerated().map { $0 == 0 ? String($1) : $1.capitalized }.joined()
        case 2: key + " "
        default: key + "\u{0}"
        }
    }
}
