#if canImport(Glibc)
import Glibc
#endif

/// Why writing a database file may be failing for lack of room, looked up after an I/O error:
/// SQLite reports a full disk (`ENOSPC`) or a file-size limit (`EFBIG` under RLIMIT_FSIZE) as a
/// plain `SQLITE_IOERR_WRITE`, and the `errno` it keeps is not reliable by the time the error
/// reaches the caller, so the file system and the limit are asked directly.
public enum DiskSpace {
    /// Below this many free bytes for unprivileged writers a file system counts as full.
    public static let fullThreshold: UInt64 = 1 << 20

    /// A description of why there is no room to grow the database at `path` (its file system
    /// nearly full, or the process's file-size limit reached by the file or its `-wal`/`-journal`),
    /// or nil when there seems to be room.
    public static func fullReason(forDatabaseAt path: String) -> String? {
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var fs = statvfs()
        if statvfs(directory.isEmpty ? "/" : directory, &fs) == 0 {
            let available = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
            if available < fullThreshold {
                return "no space left on the file system of \(directory) (\(available) bytes available)"
            }
        }
        var limit = rlimit()
        // RLIM_INFINITY is all ones (the C macro does not import).
        if getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max {
            let cap = UInt64(limit.rlim_cur)
            for file in [path, path + "-wal", path + "-journal"] {
                var info = stat()
                // Within a few pages of the cap: the next write would cross it.
                if stat(file, &info) == 0, UInt64(info.st_size) + 65_536 >= cap {
                    return "file size limit (RLIMIT_FSIZE, \(cap) bytes) reached by \(file) (\(info.st_size) bytes)"
                }
            }
        }
        return nil
    }
}
