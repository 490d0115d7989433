/// The programs active when the event arrived: a job evaluates against those (DESIGN §4).
enum Migration05JobPrograms: FrozenMigration {
    static let identifier = "v5-job-programs"
    static let sql = """
        ALTER TABLE "job" ADD COLUMN "programIds" TEXT;
        """
}
