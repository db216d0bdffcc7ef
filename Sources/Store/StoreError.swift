/// What can go wrong with the gateway's database.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database cannot be opened or migrated.
    case open(path: String, reason: String)
    /// A stored row cannot be read back as what it should be.
    case corrupt(table: String, id: String, reason: String)
    /// A row that must exist does not.
    case missing(table: String, id: String)
    /// A read failed.
    case read(reason: String)
    /// A write failed: nothing of its batch was written.
    case write(reason: String)

    public var description: String {
        switch self {
        case .open(let path, let reason): "cannot open the database \(path): \(reason)"
        case .corrupt(let table, let id, let reason): "stored \(table) \(id) is corrupt: \(reason)"
        case .missing(let table, let id): "no \(table) \(id) in the database"
        case .read(let reason): "database read failed: \(reason)"
        case .write(let reason): "database write failed: \(reason)"
        }
    }
}
