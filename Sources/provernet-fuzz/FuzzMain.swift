import Foundation
import FuzzTargets

// `provernet-fuzz`: built with `-sanitize=fuzzer,address` (scripts/fuzz), libFuzzer drives the target named
// by PROVERNET_FUZZ_TARGET through `LLVMFuzzerTestOneInput`. Built normally, it replays files: `provernet-fuzz
// TARGET FILE…` runs each file through the target once (a crash file found by the fuzzer, or a corpus).

#if LIBFUZZER
    /// The target, read once (libFuzzer calls the entry point millions of times).
    nonisolated(unsafe) private var selected: FuzzTarget?

    @_cdecl("LLVMFuzzerInitialize")
    public func fuzzInitialize(
        _ argc: UnsafeMutablePointer<CInt>?,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
    ) -> CInt {
        guard let target = FuzzTarget.fromEnvironment else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("set PROVERNET_FUZZ_TARGET to one of: \(names)\n".utf8))
            exit(2)
        }
        selected = target
        return 0
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        selected?.run(Array(UnsafeBufferPointer(start: data, count: count)))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// SwiftPM links an executable's entry point as `<module>_main`; under libFuzzer it hands over to the
    /// fuzzer's driver.
    @_cdecl("provernet_fuzz_main")
    func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var argc = argc
        var argv = argv
        return runDriver(&argc, &argv, fuzzOne)
    }
#else
    @main
    struct Replay {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
                print("usage: provernet-fuzz TARGET FILE…  (targets: \(names)); scripts/fuzz runs libFuzzer")
                exit(2)
            }
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("cannot read \(path)")
                    exit(2)
                }
                target.run([UInt8](data))
                print("\(path): ok")
            }
        }
    }
#endif
