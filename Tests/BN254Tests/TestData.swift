import Foundation

/// Where the shared test data from other projects lives (`../shared/testdata` from the package root).
enum TestData {
    static let root: URL = {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")
    }()

    /// The URL of a file in the test data, or nil (with a visible message) when the folder is absent.
    static func file(_ relativePath: String) -> URL? {
        let url = root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("SKIPPED: test data \(url.path) is absent (expected ../shared/testdata beside the package)")
            return nil
        }
        return url
    }

    static var isPresent: Bool { FileManager.default.fileExists(atPath: root.path) }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return 0
            }
        }
        while let hi = iterator.next(), let lo = iterator.next() {
            bytes.append(nibble(hi) << 4 | nibble(lo))
        }
        self = bytes
    }

    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
