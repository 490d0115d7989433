/// A shipped migration: its identifier in `grdb_migrations` and the literal SQL it runs.
///
/// Frozen once shipped: a change is a new migration. The SQL calls no Swift helper and
/// interpolates nothing that could change later, so a store migrated next year gets the schema
/// stores got when the step shipped. The text is what the step first ran, byte for byte (odd
/// indentation included): SQLite keeps each CREATE statement's text in `sqlite_master`, and the
/// schema snapshots (`schema.sql`, `schema-history.sql`) hold every store to it.
protocol FrozenMigration {
    static var identifier: String { get }
    static var sql: String { get }
}
