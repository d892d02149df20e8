import CrierCore
import Foundation
import SQLKit

#if canImport(Glibc)
import Glibc
#endif

/// The write `/ready` makes: one row per process, upserted, so the probe writes for real (a full
/// disk, a lock or a read-only database fails it) without the table ever growing.
enum ReadinessProbe {
    static let instance = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"

    static func write(_ db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO readiness_probe (instance, checked_at) VALUES (\(bind: instance), \(bind: Date().millisecondsSince1970))
            ON CONFLICT (instance) DO UPDATE SET checked_at = excluded.checked_at
            """).run()
    }
}

/// Free space on the filesystem holding a file.
enum FreeSpace {
    /// Below this the embedded database is treated as full: a write may still squeeze into the
    /// WAL, but the next checkpoint or batch will not.
    static let minimum: Int64 = 4 << 20

    static func bytes(at path: String) -> Int64? {
        let directory = (path as NSString).deletingLastPathComponent
        var stats = statvfs()
        guard statvfs(directory.isEmpty ? "." : directory, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }
}
