/// One row of a result: each column's text, or nil for NULL.
public struct PostgresRow: Sendable, Hashable {
    public let columns: PostgresColumns
    public let values: [String?]

    public init(columns: PostgresColumns, values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// The column named `name` as `type`; nil for NULL, throws when the text is not a `type`.
    public func decode<Value: PostgresColumnDecodable>(_ type: Value.Type, _ name: String) throws -> Value? {
        try decode(type, at: columns.index(of: name))
    }

    /// The column at `index` (from 0) as `type`; nil for NULL, throws when the text is not a `type`.
    public func decode<Value: PostgresColumnDecodable>(_ type: Value.Type, at index: Int) throws -> Value? {
        guard values.indices.contains(index) else { throw PostgresError.columnIndexOutOfRange(index) }
        guard let text = values[index] else { return nil }
        guard let value = Value(postgresText: text) else {
            throw PostgresError.columnDecoding(column: columns.names[index], text: text, type: "\(Value.self)")
        }
        return value
    }

    public func string(_ name: String) throws -> String? { try decode(String.self, name) }
    public func int64(_ name: String) throws -> Int64? { try decode(Int64.self, name) }
    public func bool(_ name: String) throws -> Bool? { try decode(Bool.self, name) }
    public func double(_ name: String) throws -> Double? { try decode(Double.self, name) }

    public func string(at index: Int) throws -> String? { try decode(String.self, at: index) }
    public func int64(at index: Int) throws -> Int64? { try decode(Int64.self, at: index) }
    public func bool(at index: Int) throws -> Bool? { try decode(Bool.self, at: index) }
    public func double(at index: Int) throws -> Double? { try decode(Double.self, at: index) }
}
