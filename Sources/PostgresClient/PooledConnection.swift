/// A connection while it sits in the pool's idle list or is checked out.
///
/// `@unchecked Sendable` is safe: the pool hands a `PooledConnection` to one pool thread at a time.
/// It is either in the idle list (touched only under the pool's lock, and only to be moved out) or
/// held by exactly one running work item, which took it out of the list under the lock and puts it
/// back under the lock when done; the lock orders the two threads' accesses. The connection never
/// leaves that work item: `withConnection`'s body gets the non-`Sendable` `PostgresConnection` and
/// must return a `Sendable` value.
final class PooledConnection: @unchecked Sendable {
    let connection: PostgresConnection

    init(_ connection: PostgresConnection) {
        self.connection = connection
    }
}
