import GRDB

/// Every migration in the order stores receive them; a new one goes at the end.
enum MigrationTimeline {
    static var steps: [any FrozenMigration.Type] {
        [
            Migration01Core.self,
            Migration02PartnerAccess.self,
            Migration03Sessions.self,
            Migration04Audit.self,
            Migration05JobPrograms.self,
            Migration06PartnerFeed.self,
            Migration07ActivityTotals.self,
            Migration08ActivityDayCoveringIndex.self,
            Migration09AchievementTally.self,
            Migration10ProgramGeneration.self,
            Migration11ProgramChangeStamps.self,
            Migration12FeedFollowsEveryGrantChange.self,
            Migration13ActivityMasks.self,
            Migration14PartnerLocalFeedPositions.self,
        ]
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for step in steps {
            let sql = step.sql
            migrator.registerMigration(step.identifier) { db in try db.execute(sql: sql) }
        }
        return migrator
    }
}
