import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// A thread of its own for SQLite's one writer: write batches run there, statements and all
/// (`SQLiteWriter`). On the shared cooperative pool every step of a batch would queue behind the
/// HTTP requests waiting for that same batch, so under load the writer, which every request
/// waits on, would be the slowest task in the process.
final class WriterExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: both members are immutable and thread-safe NIO types.
    let group: MultiThreadedEventLoopGroup
    let loop: any EventLoop

    init(niceness: Int32 = 0) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        guard niceness != 0 else { return }
        #if os(Linux)
        // On Linux the nice value is per thread, and `who = 0` names the calling one.
        // The first job on the loop, so it runs before any batch does.
        loop.execute { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
        #endif
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}
