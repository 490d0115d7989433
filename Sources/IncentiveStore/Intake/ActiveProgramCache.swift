import GRDB
import IncentiveEngine
import Synchronization

/// Employers' active programs, decoded for the engine, kept until any program changes.
///
/// Every event evaluates its employer's active programs, and reading and decoding their rows was
/// about a tenth of the event writer's time. Triggers stamp every change to `program` with a new
/// random value in `programGeneration` (`Migration11ProgramChangeStamps`), inside the changing
/// transaction and whichever process makes it, so an entry made under another stamp is stale and
/// read again. One cache per open database; bounded: it starts over when full.
final class ActiveProgramCache: Sendable {
    private let entries = Mutex<[String: (generation: Int64, programs: [Program])]>([:])
    private static let capacity = 4096

    func programs(employerID: String, in db: Database) throws -> [Program] {
        guard let generation = try Int64.fetchOne(db.cachedStatement(sql: "SELECT generation FROM programGeneration")) else {
            throw MissingProgramStamp()
        }
        if let entry = entries.withLock({ $0[employerID] }), entry.generation == generation { return entry.programs }
        let records = try ProgramRecord.fetchAll(db.cachedStatement(sql: """
            SELECT * FROM program WHERE employerId = ? AND active = 1 ORDER BY createdAt, id
            """), arguments: [employerID])
        let programs = try records.map { try $0.engineProgram() }
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[employerID] = (generation, programs)
        }
        return programs
    }
}

/// The one row of `programGeneration` is gone: without it no change to a program could be seen.
struct MissingProgramStamp: Error {}
