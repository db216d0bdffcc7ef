/// Everything that can go wrong when computing a witness from a circom `.wasm` witness generator: a file
/// that is not one, a circuit for another field, input that does not fit the circuit, and failures the
/// circuit itself reports while it runs (a failing `assert` or `===`).
public enum WitnessCalculatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `.wasm` file could not be read.
    case io(file: String, reason: String)
    /// The bytes are not a WebAssembly module that WasmKit can load (`reason` is WasmKit's).
    case invalidWasm(reason: String)
    /// The module lacks an export that the witness-generator interface requires (`interface` is "circom 2"
    /// or "circom 1"), or exports neither interface.
    case missingExport(name: String, interface: String)
    /// The module imports something this runtime does not provide.
    case unsupportedImport(module: String, name: String)
    /// The circuit was compiled for another prime than BN254's scalar field r (`found` in decimal).
    case wrongPrime(found: String)
    /// The circuit's field elements are not 256 bits (`words32` 32-bit words each).
    case wrongFieldSize(words32: Int)
    /// The input JSON is not valid JSON, or its top level is not an object (`offset` is a byte offset).
    case invalidJSON(reason: String, offset: Int)
    /// A value for `signal` is not an integer: a JSON number with a fraction or exponent, a string that
    /// is not a decimal or `0x`-hexadecimal integer, null, or an object where a number was expected.
    case invalidValue(signal: String, value: String)
    /// The circuit has no input signal of this name.
    case unknownSignal(String)
    /// An input signal got a different number of values than it has elements (after flattening arrays).
    case wrongNumberOfValues(signal: String, expected: Int, actual: Int)
    /// Some of the circuit's inputs were not given: `given` values were set out of the `expected` total.
    case missingInputs(given: Int, expected: Int)
    /// The circuit stopped with an error of its own. For circom 2, `code` is the runtime's code (1 signal
    /// not found, 2 too many signals set, 3 signal already set, 4 assert failed, 5 not enough memory,
    /// 6 input array access out of bounds) and `message` circom's text for it followed by the lines the
    /// circuit printed, e.g. "Assert Failed.\nError in template Multiplier_1 line: 35". For circom 1, they
    /// are what the module passed to its `error` import, as snarkjs formats them.
    case circuitFailed(code: Int, message: String)
    /// The WebAssembly code trapped (out-of-bounds access, unreachable, stack exhausted, …) while running
    /// `function`; `reason` is WasmKit's description.
    case trap(function: String, reason: String)
    /// The module broke the interface's contract (a pointer out of memory, a negative size, …).
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .io(let file, let reason):
            return "cannot read witness generator \(file): \(reason)"
        case .invalidWasm(let reason):
            return "not a WebAssembly module WasmKit can load: \(reason)"
        case .missingExport(let name, let interface):
            return "the module does not export \(name), which the \(interface) witness-generator interface needs; "
                + "is it the .wasm that circom writes to <circuit>_js/?"
        case .unsupportedImport(let module, let name):
            return "the module imports \(module).\(name), which a circom witness generator does not use"
        case .wrongPrime(let found):
            return "the circuit was compiled for the prime \(found), not BN254's scalar field; "
                + "compile it with circom --prime bn128"
        case .wrongFieldSize(let words32):
            return
                "the circuit's field elements have \(words32 * 32) bits, not BN254's 256; compile it with circom --prime bn128"
        case .invalidJSON(let reason, let offset):
            return "input JSON: \(reason) at byte \(offset)"
        case .invalidValue(let signal, let value):
            return
                "input \(signal): \"\(value.prefix(100))\" is not an integer (use a JSON integer or a decimal or 0x-hexadecimal string)"
        case .unknownSignal(let name):
            return "the circuit has no input signal named \(name)"
        case .wrongNumberOfValues(let signal, let expected, let actual):
            return "input \(signal) needs \(expected) value\(expected == 1 ? "" : "s") but the input gives \(actual)"
        case .missingInputs(let given, let expected):
            return "not all inputs were given: \(given) of the circuit's \(expected) input values are set"
        case .circuitFailed(_, let message):
            return "the circuit failed: \(message)"
        case .trap(let function, let reason):
            return "the witness generator trapped in \(function): \(reason)"
        case .protocolViolation(let what):
            return "the witness generator broke the circom interface: \(what)"
        }
    }
}
