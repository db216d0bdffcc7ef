import BN254
import WasmKit
import WasmParser

/// The witness-generator interface of circom 1 `.wasm` files, as snarkjs's `WitnessCalculatorCircom1`
/// drives it (iden3/circom_runtime `js/witness_calculator.js`).
///
/// The module imports its linear memory (`env.memory`) and works on it directly. Word 0 of the memory is
/// the top of a bump allocator, from which the host takes the scratch space it passes to the module.
/// A field element there is `[short: i32, type: u32, value: n32 words]`: when bit 31 of `type` is clear the
/// value is the signed 32-bit `short`; when it is set the value is the long form, in Montgomery form
/// (×2^256) if bit 30 is set too. Inputs are set with `getSignalOffset32` (the signal's first index, by the
/// FNV-1a hash of its name) and `setSignal(0, 0, offset + i, pointer)`; `getPWitness(i)` points at wire i.
enum Circom1Generator {
    static let interfaceName = "circom 1"
    static let requiredExports = [
        "init", "getFrLen", "getPRawPrime", "getNVars", "getSignalOffset32", "setSignal", "getPWitness",
    ]
    static let importNames: Set<String> = [
        "error", "log", "logSetSignal", "logGetSignal", "logStartComponent", "logFinishComponent",
    ]

    /// snarkjs gives the module 32767 pages (2 GiB) whatever its import asks for: the generated code
    /// allocates from word 0 without growing the memory. Pages are only touched as the circuit uses them.
    static let pages: UInt64 = 32767

    struct Facts: Sendable {
        var witnessCount: Int
        var memoryType: MemoryType
    }

    /// The type of the memory to give the module: snarkjs's size, within the import's limits.
    static func memoryType(of module: Module) throws(WitnessCalculatorError) -> MemoryType {
        for entry in module.imports {
            if entry.module == "env", entry.name == "memory", case .memory(let limits) = entry.descriptor {
                var type = limits
                type.min = max(limits.min, min(pages, limits.max ?? pages))
                return type
            }
        }
        throw .protocolViolation("a circom 1 module must import its memory as env.memory")
    }

    static func instantiate(module: Module, engine: Engine, memoryType: MemoryType, state: GuestState)
        throws(WitnessCalculatorError) -> GuestInstance
    {
        try GuestInstance(module: module, engine: engine, interfaceName: interfaceName, state: state) {
            (store: Store) throws(WitnessCalculatorError) -> Imports in
            let memory: WasmKit.Memory
            do {
                memory = try WasmKit.Memory(store: store, type: memoryType)
            } catch {
                throw .protocolViolation("cannot allocate the module's \(memoryType.min) pages of memory: \(error)")
            }
            state.importedMemory = memory
            var imports = runtimeImports(store: store, state: state)
            imports.define(module: "env", name: "memory", memory)
            return imports
        }
    }

    static func facts(of guest: GuestInstance, memoryType: MemoryType) throws(WitnessCalculatorError) -> Facts {
        let memory = try self.memory(guest)
        let frBytes = Int(try guest.callI32("getFrLen"))
        let words = frBytes / 4 - 2
        guard words > 0, words <= 64 else { throw .wrongFieldSize(words32: words) }
        let pointer = Int(try guest.callI32("getPRawPrime"))
        var prime: [UInt32] = []
        for j in 0..<words { prime.append(try memory.word(at: pointer + 4 * j)) }
        guard words == 8, limbs(fromWords32: prime) == FrParameters.modulus else {
            throw .wrongPrime(found: hexString(words32: prime))
        }
        return Facts(witnessCount: Int(try guest.callI32("getNVars")), memoryType: memoryType)
    }

    static func memory(_ guest: GuestInstance) throws(WitnessCalculatorError) -> WasmKit.Memory {
        guard let memory = guest.state.importedMemory else {
            throw .protocolViolation("the module's memory is gone") // set by instantiate, cleared after use
        }
        return memory
    }

    static func calculate(_ guest: GuestInstance, input: CircuitInput, facts: Facts) throws(WitnessCalculatorError)
        -> [Fr]
    {
        let memory = try self.memory(guest)
        try guest.call("init", 0)
        // Scratch space from the module's allocator, as snarkjs's allocInt and allocFr take it, given
        // back at the end as snarkjs does, so that the instance can compute another witness.
        let allocatorTop = try memory.word(at: 0)
        let signalOffsetPointer = Int(allocatorTop)
        let elementPointer = signalOffsetPointer + 8
        try memory.setWord(UInt32(truncatingIfNeeded: elementPointer + 8 * 4 + 8), at: 0)

        let setSignal = try guest.function("setSignal")
        for (name, values) in input.signals {
            let hash = SignalHash(name)
            do {
                try guest.call("getSignalOffset32", UInt32(signalOffsetPointer), 0, hash.high, hash.low)
            } catch {
                // circom 1 reports an unknown name through its `error` import, as any other failure.
                if case .circuitFailed = error { throw .unknownSignal(name) }
                throw error
            }
            let offset = try memory.word(at: signalOffsetPointer)
            for (index, value) in values.enumerated() {
                try store(value, at: elementPointer, in: memory)
                _ = try guest.invoke(
                    setSignal, name: "setSignal", [0, 0, offset &+ UInt32(index), UInt32(elementPointer)])
            }
        }

        let getPWitness = try guest.function("getPWitness")
        var witness: [Fr] = []
        witness.reserveCapacity(facts.witnessCount)
        for index in 0..<facts.witnessCount {
            let pointer = try GuestInstance.i32Result(
                try guest.invoke(getPWitness, name: "getPWitness", [UInt32(index)]), name: "getPWitness")
            witness.append(try element(at: Int(pointer), in: memory))
        }
        try memory.setWord(allocatorTop, at: 0)
        return witness
    }

    /// snarkjs's `setFr`: the short form for values in [−2^31, 2^31), the long normal form otherwise.
    static func store(_ value: Fr, at pointer: Int, in memory: WasmKit.Memory) throws(WitnessCalculatorError) {
        let words = value.words32
        let negated = (-value).words32
        if words[1...].allSatisfy({ $0 == 0 }), words[0] < 0x8000_0000 {
            try memory.setWord(words[0], at: pointer)
            try memory.setWord(0, at: pointer + 4)
        } else if negated[1...].allSatisfy({ $0 == 0 }), negated[0] <= 0x8000_0000 {
            try memory.setWord(0 &- negated[0], at: pointer)
            try memory.setWord(0, at: pointer + 4)
        } else {
            try memory.setWord(0, at: pointer)
            try memory.setWord(0x8000_0000, at: pointer + 4)
            for (j, word) in words.enumerated() { try memory.setWord(word, at: pointer + 8 + 4 * j) }
        }
    }

    /// snarkjs's `getFr`.
    static func element(at pointer: Int, in memory: WasmKit.Memory) throws(WitnessCalculatorError) -> Fr {
        let short = Int32(bitPattern: try memory.word(at: pointer))
        let type = try memory.word(at: pointer + 4)
        guard type & 0x8000_0000 != 0 else {
            return short < 0 ? -Fr(UInt64(-Int64(short))) : Fr(UInt64(short))
        }
        var words: [UInt32] = []
        for j in 0..<8 { words.append(try memory.word(at: pointer + 8 + 4 * j)) }
        let value = Fr(reducing: limbs(fromWords32: words))
        // Montgomery form holds x·2^256 mod r, which is exactly how Fr stores x.
        return type & 0x4000_0000 != 0 ? Fr(montgomeryLimbs: value.canonical) : value
    }

    /// The functions a circom 1 module imports from "runtime".
    static func runtimeImports(store: Store, state: GuestState) -> Imports {
        var imports = Imports()
        imports.define(
            module: "runtime", name: "error",
            Function(store: store, parameters: Array(repeating: .i32, count: 6)) { _, arguments in
                let a = arguments.map { Int(Int32(bitPattern: $0.i32)) }
                let code = a[0]
                var message = "error \(code)"
                if let memory = state.importedMemory {
                    func text(_ p: Int) -> String { memory.cString(at: p) }
                    func value(_ p: Int) -> String { (try? element(at: p, in: memory).decimal) ?? "?" }
                    switch code {
                    case 7: message = "\(text(a[1])) \(value(a[3])) != \(value(a[4])) \(text(a[5]))"
                    case 9: message = "\(text(a[1])) \(value(a[3])) \(text(a[4]))"
                    default: message = "\(text(a[1])) \(a[2]) \(a[3]) \(a[4]) \(a[5])"
                    }
                }
                throw state.fail(.circuitFailed(code: code, message: message))
            })
        imports.define(
            module: "runtime", name: "log",
            Function(store: store, parameters: [.i32]) { _, arguments in
                if let memory = state.importedMemory, let pointer = arguments.first?.i32 {
                    state.logLine = (try? element(at: Int(pointer), in: memory).decimal) ?? "?"
                    state.emitLogLine()
                }
                return []
            })
        for name in ["logSetSignal", "logGetSignal"] {
            imports.define(
                module: "runtime", name: name, Function(store: store, parameters: [.i32, .i32]) { _, _ in [] })
        }
        for name in ["logStartComponent", "logFinishComponent"] {
            imports.define(module: "runtime", name: name, Function(store: store, parameters: [.i32]) { _, _ in [] })
        }
        return imports
    }
}
