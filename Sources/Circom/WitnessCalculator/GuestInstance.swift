import BN254
import WasmKit

/// What the host functions of one instantiation remember between calls: the error the circuit raised (host
/// functions throw it, and WasmKit may wrap what they throw, so it is kept here to be rethrown intact), the
/// error text the circuit printed before failing, and the log line being assembled.
///
/// One per instantiation, used on the thread that runs it; it is never shared, so it needs no lock.
final class GuestState {
    var pendingError: WitnessCalculatorError?
    /// The lines the circuit sent to `printErrorMessage` before it calls `exceptionHandler`.
    var errorText = ""
    /// The items of the `log(...)` call being printed, joined by spaces as circom's runtime joins them.
    var logLine = ""
    let logHandler: (@Sendable (String) -> Void)?
    /// circom 1 imports its linear memory instead of exporting it; its `error` and `log` functions read it.
    var importedMemory: WasmKit.Memory?

    init(logHandler: (@Sendable (String) -> Void)?) {
        self.logHandler = logHandler
    }

    /// Records `error` for the call in progress and returns it, for the host function to throw.
    func fail(_ error: WitnessCalculatorError) -> WitnessCalculatorError {
        if pendingError == nil { pendingError = error }
        return error
    }

    func emitLogLine() {
        logHandler?(logLine)
        logLine = ""
    }
}

/// An instantiated witness generator: its exported functions by name, called with i32 arguments, with every
/// failure turned into a `WitnessCalculatorError`.
struct GuestInstance {
    let instance: Instance
    let state: GuestState
    let interfaceName: String

    /// Instantiates `module` in a fresh store with `imports` built by the caller.
    init(
        module: Module, engine: Engine, interfaceName: String, state: GuestState,
        imports: (Store) throws(WitnessCalculatorError) -> Imports
    ) throws(WitnessCalculatorError) {
        let store = Store(engine: engine)
        let imports = try imports(store)
        do {
            instance = try module.instantiate(store: store, imports: imports)
        } catch {
            state.importedMemory = nil
            throw .invalidWasm(reason: "instantiation failed: \(error)")
        }
        self.state = state
        self.interfaceName = interfaceName
    }

    func function(_ name: String) throws(WitnessCalculatorError) -> Function {
        guard let function = instance.exports[function: name] else {
            throw .missingExport(name: name, interface: interfaceName)
        }
        return function
    }

    /// Calls an export that returns nothing.
    func call(_ name: String, _ arguments: UInt32...) throws(WitnessCalculatorError) {
        _ = try invoke(try function(name), name: name, arguments)
    }

    /// Calls an export that returns one i32.
    func callI32(_ name: String, _ arguments: UInt32...) throws(WitnessCalculatorError) -> UInt32 {
        try Self.i32Result(try invoke(try function(name), name: name, arguments), name: name)
    }

    /// Calls a resolved export (for the calls in a loop) that returns one i32 or nothing (then 0).
    func invoke(_ function: Function, name: String, _ arguments: [UInt32]) throws(WitnessCalculatorError) -> [Value] {
        do {
            return try function.invoke(arguments.map { .i32($0) })
        } catch {
            if let pending = state.pendingError {
                state.pendingError = nil
                throw pending
            }
            if let own = error as? WitnessCalculatorError { throw own }
            throw .trap(function: name, reason: "\(error)")
        }
    }

    static func i32Result(_ results: [Value], name: String) throws(WitnessCalculatorError) -> UInt32 {
        guard results.count == 1, case .i32(let value) = results[0] else {
            throw .protocolViolation("\(name) returned \(results) instead of one i32")
        }
        return value
    }
}

/// Reads and writes 32-bit words of a linear memory, with the bounds checks that `Memory`'s own
/// accessors leave to preconditions.
extension WasmKit.Memory {
    func word(at byteOffset: Int) throws(WitnessCalculatorError) -> UInt32 {
        guard byteOffset >= 0, byteOffset + 4 <= byteCount else {
            throw .protocolViolation("memory read at \(byteOffset) is outside the \(byteCount)-byte memory")
        }
        return withUnsafeBufferPointer(offset: UInt(byteOffset), count: 4) { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }

    func setWord(_ value: UInt32, at byteOffset: Int) throws(WitnessCalculatorError) {
        guard byteOffset >= 0, byteOffset + 4 <= byteCount else {
            throw .protocolViolation("memory write at \(byteOffset) is outside the \(byteCount)-byte memory")
        }
        withUnsafeMutableBufferPointer(offset: UInt(byteOffset), count: 4) {
            $0.storeBytes(of: value.littleEndian, as: UInt32.self)
        }
    }

    /// The bytes of a NUL-terminated string (at most `limit` bytes of it), as circom 1's `p2str` reads them.
    func cString(at byteOffset: Int, limit: Int = 4096) -> String {
        guard byteOffset >= 0, byteOffset < byteCount else { return "" }
        let count = Swift.min(limit, byteCount - byteOffset)
        return withUnsafeBufferPointer(offset: UInt(byteOffset), count: count) { buffer in
            let end = buffer.firstIndex(of: 0) ?? buffer.count
            return String(decoding: buffer[..<end], as: UTF8.self)
        }
    }
}

/// Conversions between field elements and the little-endian 32-bit words circom's runtimes use.
extension PrimeField {
    /// The eight words of the canonical value, least significant first.
    var words32: [UInt32] {
        let limbs = canonical
        return [limbs.0, limbs.1, limbs.2, limbs.3].flatMap {
            [UInt32(truncatingIfNeeded: $0), UInt32(truncatingIfNeeded: $0 >> 32)]
        }
    }
}

/// Eight words, least significant first, as four 64-bit limbs.
func limbs(fromWords32 w: [UInt32]) -> Limbs4 {
    precondition(w.count == 8, "a 256-bit value is eight 32-bit words")  // callers check the field size first
    func pair(_ i: Int) -> UInt64 { UInt64(w[i]) | UInt64(w[i + 1]) << 32 }
    return (pair(0), pair(2), pair(4), pair(6))
}

/// A multi-word integer (least significant word first) in hexadecimal, for messages about foreign primes.
func hexString(words32 w: [UInt32]) -> String {
    let digits = w.reversed().map { word -> String in
        let s = String(word, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }.joined()
    let trimmed = digits.drop { $0 == "0" }
    return "0x" + (trimmed.isEmpty ? "0" : trimmed)
}
