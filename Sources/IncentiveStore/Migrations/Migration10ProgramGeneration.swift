/// A count of every change to `program`, which `ActiveProgramCache` compares to know its
/// decoded programs are current.
enum Migration10ProgramGeneration: FrozenMigration {
    static let identifier = "v10-program-generation"
    static let sql = """
        CREATE TABLE programGeneration (generation INTEGER NOT NULL);
        INSERT INTO programGeneration (generation) VALUES (0);

        CREATE TRIGGER programGeneration_onInsert AFTER INSERT ON program BEGIN
            UPDATE programGeneration SET generation = generation + 1;
        END;

        CREATE TRIGGER programGeneration_onUpdate AFTER UPDATE ON program BEGIN
            UPDATE programGeneration SET generation = generation + 1;
        END;

        CREATE TRIGGER programGeneration_onDelete AFTER DELETE ON program BEGIN
            UPDATE programGeneration SET generation = generation + 1;
        END;
        """
}
