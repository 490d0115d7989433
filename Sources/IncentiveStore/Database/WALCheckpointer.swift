import Foundation
import GRDB
import Synchronization

/// Does most of the WAL checkpointing off the writer. SQLite's automatic checkpoint runs in the
/// commit that takes the WAL past `IncentiveDatabase.autoCheckpointPages` (SQLite's default is
/// 1,000): it copies them into the database file and syncs it on the writer's own thread while
/// every write queued behind it waits. A thread and connection of
/// this type's own run a PASSIVE checkpoint every `interval`, which copies what no reader still
/// needs without blocking the writer or the readers, so the writer's automatic checkpoint finds
/// little left to copy (POST /v1/events p99 on one connection: 4.3 to 2.6 ms in bench-events).
///
/// The automatic checkpoint stays on: under a steady write load a PASSIVE checkpoint never catches
/// up with the frames appended while it runs, so without it the WAL never starts over (it grew to
/// 1.1 GB in one run); a TRUNCATE checkpoint from here instead stalled writes for up to 100 ms.
/// The thread ends within one interval of this object's end.
final class WALCheckpointer: Sendable {
    private final class StopFlag: Sendable {
        let stopped = Atomic(false)
    }

    private let flag = StopFlag()

    init(path: String, configuration: Configuration, interval: TimeInterval = 0.1) throws {
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        let flag = flag
        let thread = Thread {
            while !flag.stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: interval)
                // A checkpoint that fails (another one running, a busy moment) is tried again next time.
                _ = try? connection.writeWithoutTransaction { db in
                    try db.checkpoint(.passive)
                }
            }
        }
        thread.name = "incentives.wal-checkpoint"
        thread.start()
    }

    deinit { flag.stopped.store(true, ordering: .relaxed) }
}
