/// The change count becomes a random stamp: a transaction that changed a program and rolled back
/// could otherwise leave `ActiveProgramCache` holding the count the next real change reaches.
enum Migration11ProgramChangeStamps: FrozenMigration {
    static let identifier = "v11-program-change-stamps"
    static let sql = """
        DROP TRIGGER programGeneration_onInsert;

        CREATE TRIGGER programGeneration_onInsert AFTER INSERT ON program BEGIN
            UPDATE programGeneration SET generation = random();
        END;

        DROP TRIGGER programGeneration_onUpdate;

        CREATE TRIGGER programGeneration_onUpdate AFTER UPDATE ON program BEGIN
            UPDATE programGeneration SET generation = random();
        END;

        DROP TRIGGER programGeneration_onDelete;

        CREATE TRIGGER programGeneration_onDelete AFTER DELETE ON program BEGIN
            UPDATE programGeneration SET generation = random();
        END;
        """
}
