import Foundation
import IncentiveEngine
import Synchronization

/// Rules decoded from their stored parameters, by catalogue kind and parameter text.
///
/// Every event evaluates its employer's programs, and decoding each program's parameter JSON was
/// a twentieth of an event's cost. The key is the stored text itself, and a program's parameters
/// never change (a change is a new program, DESIGN §4), so an entry cannot go stale. Bounded: it
/// starts over when full.
enum CompiledRules {
    private static let rules = Mutex<[String: any IncentiveRule]>([:])
    private static let capacity = 1024

    static func rule(kind: String, parameters: String) throws -> any IncentiveRule {
        let key = kind + "\n" + parameters
        if let rule = rules.withLock({ $0[key] }) { return rule }
        let rule = try IncentiveCatalogue.rule(kind: kind, parameters: Data(parameters.utf8))
        rules.withLock { rules in
            if rules.count >= capacity { rules.removeAll(keepingCapacity: true) }
            rules[key] = rule
        }
        return rule
    }
}
