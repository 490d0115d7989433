/// The column names of a result, shared by its rows.
public struct PostgresColumns: Sendable, Hashable {
    public let names: [String]
    private let indexByName: [String: Int]

    public init(names: [String]) {
        self.names = names
        // The first column of a name wins, as in SQL's own name resolution of a select list.
        indexByName = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func index(of name: String) throws -> Int {
        guard let index = indexByName[name] else { throw PostgresError.noSuchColumn(name: name) }
        return index
    }
}
