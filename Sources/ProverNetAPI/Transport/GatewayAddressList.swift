import Foundation

/// A list of gateway addresses as a user gives it: `--gateway A --gateway B`, `--gateway A,B`, a
/// configuration key's `"A,B"` or list, or a mix; blanks around the commas are ignored.
public enum GatewayAddressList {
    /// The addresses in `items`, each item split at its commas, in order, without empty entries and without
    /// repeating one (the first occurrence keeps its place).
    public static func split(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        var addresses: [String] = []
        for item in items {
            for part in item.split(separator: ",") {
                let address = part.trimmingCharacters(in: .whitespaces)
                if !address.isEmpty, seen.insert(address).inserted { addresses.append(address) }
            }
        }
        return addresses
    }
}
