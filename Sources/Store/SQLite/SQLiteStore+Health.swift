import Foundation
import GRDB

extension SQLiteStore {
    /// Checks, cheaply, that the database is open and answers a read, and that its file and its directory
    /// (where SQLite puts the write-ahead log) can be written: what the gateway's readiness needs.
    public func checkHealth() throws(StoreError) {
        _ = try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        let directory = (path as NSString).deletingLastPathComponent
        for file in [path, directory.isEmpty ? "." : directory] where !FileManager.default.isWritableFile(atPath: file) {
            throw .write(reason: "\(file) is not writable")
        }
    }
}
