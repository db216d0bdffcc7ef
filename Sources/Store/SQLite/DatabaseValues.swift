import GRDB
import ProverNetCore

// The model's identifiers and amounts are stored as the strings and integers they always were.

extension DatabaseValueConvertible where Self: NetworkIdentifier {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Self? {
        String.fromDatabaseValue(dbValue).map(Self.init)
    }
}

extension ProverID: DatabaseValueConvertible {}
extension RequestID: DatabaseValueConvertible {}
extension JobID: DatabaseValueConvertible {}

extension Amount: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { units.databaseValue }
    /// Only an integer: a REAL here would be money that was never converted.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Amount? {
        guard case .int64(let units) = dbValue.storage else { return nil }
        return Amount(units: units)
    }
}
