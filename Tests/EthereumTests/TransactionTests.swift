import Ethereum
import Foundation
import TestSupport
import Testing

/// RLP, EIP-1559 transactions (checked byte for byte against eth-account) and `slashOperator` sent as a real
/// transaction to the Vyper AllocationManager.
struct TransactionTests {
    /// The Yellow Paper's and ethereum/tests' RLP vectors.
    @Test(arguments: [
        (RLP.bytes(Array("dog".utf8)), "0x83646f67"),
        (RLP.list([.bytes(Array("cat".utf8)), .bytes(Array("dog".utf8))]), "0xc88363617483646f67"),
        (RLP.bytes([]), "0x80"),
        (RLP.list([]), "0xc0"),
        (RLP.uint(UInt64(0)), "0x80"),
        (RLP.bytes([0x00]), "0x00"),
        (RLP.uint(UInt64(15)), "0x0f"),
        (RLP.uint(UInt64(1024)), "0x820400"),
        (RLP.list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])]), "0xc7c0c1c0c3c0c1c0"),
        (
            RLP.bytes(Array("Lorem ipsum dolor sit amet, consectetur adipisicing elit".utf8)),
            "0xb8384c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7365637465747572206164697069736963696e6720656c6974"
        ),
    ])
    func rlpVectors(_ value: RLP, _ hex: String) {
        #expect(Hex.encode(value.encoded) == hex)
    }

    @Test func uint256DivisionAndWads() throws {
        let a = try UInt256("115792089237316195423570985008687907853269984665640564039457584007913129639935")
        let b = try UInt256("340282366920938463463374607431768211457") // 2^128 + 1
        let division = try #require(a.quotientAndRemainder(dividingBy: b))
        #expect(division.quotient == (try UInt256("340282366920938463463374607431768211455")))
        #expect(division.remainder == .zero)
        #expect(UInt256(7).quotientAndRemainder(dividingBy: UInt256.zero) == nil)
        let seven = try #require(UInt256(100).quotientAndRemainder(dividingBy: UInt256(7)))
        #expect(seven.quotient == UInt256(14) && seven.remainder == UInt256(2))
        // A quarter, a third (rounded up), all, more than all, nothing.
        #expect(EigenLayerSlashing.wad(slashing: UInt256(25), of: UInt256(100)) == (try UInt256("250000000000000000")))
        #expect(EigenLayerSlashing.wad(slashing: UInt256(1), of: UInt256(3)) == (try UInt256("333333333333333334")))
        #expect(EigenLayerSlashing.wad(slashing: UInt256(5), of: UInt256(5)) == EigenLayerSlashing.wad)
        #expect(EigenLayerSlashing.wad(slashing: UInt256(9), of: UInt256(5)) == EigenLayerSlashing.wad)
        #expect(EigenLayerSlashing.wad(slashing: .zero, of: UInt256(5)) == nil)
        #expect(EigenLayerSlashing.wad(slashing: UInt256(1), of: .zero) == nil)
        // Stakes past 1e59: scaled down, still a sensible fraction.
        let huge = UInt256.max
        let half = try #require(huge.quotientAndRemainder(dividingBy: UInt256(2))).quotient
        let wad = try #require(EigenLayerSlashing.wad(slashing: half, of: huge))
        #expect(wad >= (try UInt256("499999999999999999")))
        #expect(wad <= (try UInt256("500000000000000001")))
    }

    /// Transactions signed here are eth-account's bytes exactly (same hash), for short and long data, zero and
    /// large values; and eth-account recovers the signer.
    @Test(.enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-account): run scripts/setup"))
    func eip1559BytesAreEthAccounts() throws {
        var cases: [[String: Any]] = []
        var ours: [SignedTransaction] = []
        for (i, length) in [0, 1, 55, 56, 300, 2000].enumerated() {
            let key = PrivateKey.generate()
            let transaction = EIP1559Transaction(
                chainID: UInt256(i == 0 ? 1 : 131_277_322_940_537), nonce: UInt64(i * 1000),
                maxPriorityFeePerGas: UInt256(UInt64(i) * 1_000_000_007),
                maxFeePerGas: try UInt256("98765432109876543210"),
                gas: UInt64(21_000 + i * 50_000), to: PrivateKey.generate().address,
                value: i % 2 == 0 ? .zero : try UInt256("1000000000000000000000000"),
                data: (0..<length).map { UInt8(truncatingIfNeeded: $0 * 31 + i) })
            ours.append(try transaction.signed(with: key))
            cases.append([
                "key": Hex.encode(key.rawBytes), "chainId": "\(transaction.chainID)", "nonce": transaction.nonce,
                "tip": "\(transaction.maxPriorityFeePerGas)", "maxFee": "\(transaction.maxFeePerGas)",
                "gas": transaction.gas, "to": transaction.to.checksummed, "value": "\(transaction.value)",
                "data": Hex.encode(transaction.data), "address": key.address.checksummed,
            ])
        }
        let script = """
            import json, sys
            from eth_account import Account
            out = []
            for c in json.loads(sys.argv[1]):
                tx = {"type": 2, "chainId": int(c["chainId"]), "nonce": c["nonce"],
                      "maxPriorityFeePerGas": int(c["tip"]), "maxFeePerGas": int(c["maxFee"]), "gas": c["gas"],
                      "to": c["to"], "value": int(c["value"]), "data": c["data"], "accessList": []}
                signed = Account.from_key(c["key"]).sign_transaction(tx)
                raw = "0x" + bytes(signed.raw_transaction).hex()
                out.append({"raw": raw, "hash": "0x" + bytes(signed.hash).hex(),
                            "sender": Account.recover_transaction(raw)})
            print(json.dumps(out))
            """
        let input = String(decoding: try JSONSerialization.data(withJSONObject: cases), as: UTF8.self)
        let run = try CommandRun.run(EthereumPython.python, ["-c", script, input])
        try #require(run.status == 0, "eth-account failed: \(run.stderr)")
        let answers = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: String]])
        try #require(answers.count == ours.count)
        for (i, answer) in answers.enumerated() {
            #expect(answer["raw"] == Hex.encode(ours[i].raw), "case \(i)")
            #expect(answer["hash"] == Hex.encode(ours[i].hash), "case \(i)")
            #expect(answer["sender"] == cases[i]["address"] as? String, "case \(i)")
        }
    }
}

/// `slashOperator` with EigenLayer's signature on the Vyper AllocationManager, sent as our own signed EIP-1559
/// transactions: only the AVS's appointed slasher may slash, and a slash lowers what `getAllocatedStake` reads.
@Suite(
    .serialized, .enabled(if: EthereumPython.enabled, "needs .venv-eth (eth-tester, py-evm, vyper): run scripts/setup"))
struct SlashOperatorChainTests {
    func send(_ chain: LocalChain, _ key: PrivateKey, data: [UInt8], gas: UInt64 = 500_000) async throws
        -> TransactionReceipt?
    {
        let client = chain.client
        let transaction = EIP1559Transaction(
            chainID: try await client.chainID(), nonce: try await client.transactionCount(key.address),
            maxPriorityFeePerGas: try await client.maxPriorityFeePerGas(),
            maxFeePerGas: try await client.latestBaseFee().addingReportingOverflow(UInt256(10_000_000_000))
                .partialValue,
            gas: gas, to: chain.allocationManager, data: data)
        let signed = try transaction.signed(with: key)
        let hash = try await client.sendRawTransaction(signed.raw)
        #expect(hash == Hex.encode(signed.hash))
        return try await client.transactionReceipt(signed.hash)
    }

    @Test func onlyTheAppointedSlasherSlashesAndTheStakeDrops() async throws {
        let chain = try await LocalChain.start()
        defer { chain.stop() }
        let reader = EigenLayerReader(client: chain.client)
        let (avs, op) = (chain.accounts[0], chain.accounts[1])
        // Strategies given out of order: the call sorts them, as EigenLayer requires.
        let strategies = [chain.accounts[5], chain.accounts[4]].sorted { !$0.bytes.lexicographicallyPrecedes($1.bytes) }
        let set = EigenLayerReader.OperatorSet(avs: avs, id: 3)
        try await chain.transact(
            chain.allocationManager, "setMember(address,uint32,address,bool)",
            [.address(avs), .uint(UInt256(3)), .address(op), .bool(true)])
        for (strategy, amount) in zip(strategies, [UInt256(600), try UInt256("4000000000000000000000")]) {
            try await chain.transact(
                chain.allocationManager, "setAllocated(address,uint32,address,address,uint256)",
                [.address(avs), .uint(UInt256(3)), .address(op), .address(strategy), .uint(amount)])
        }
        let before = try await reader.allocatedStake(
            op, set: set, strategies: strategies, allocationManager: chain.allocationManager)
        let slasher = PrivateKey.generate()
        try await chain.fund(slasher.address, wei: try UInt256("1000000000000000000"))
        let quarter = EigenLayerSlashing.slashOperatorCall(
            avs: avs, operator: op, operatorSetID: 3, strategies: strategies, wad: try UInt256("250000000000000000"),
            description: "a quarter")
        #expect(Array(quarter.prefix(4)) == [0x36, 0x35, 0x20, 0x57])

        // Not appointed yet: the call reverts (estimate refuses it; sent anyway, its receipt says status 0).
        await #expect(throws: EthereumError.self) {
            _ = try await chain.client.estimateGas(from: slasher.address, to: chain.allocationManager, data: quarter)
        }
        let refused = try await send(chain, slasher, data: quarter)
        #expect(refused?.status == 0)
        #expect(
            try await reader.allocatedStake(
                op, set: set, strategies: strategies, allocationManager: chain.allocationManager) == before)

        // The AVS appoints it: a quarter of each strategy goes.
        try await chain.transact(chain.allocationManager, "setSlasher(address)", [.address(slasher.address)], from: avs)
        let receipt = try #require(try await send(chain, slasher, data: quarter))
        #expect(receipt.status == 1)
        let after = try await reader.allocatedStake(
            op, set: set, strategies: strategies, allocationManager: chain.allocationManager)
        #expect(after == (try UInt256("3000000000000000000450")))
        // A wad above 1e18 is refused.
        let tooMuch = EigenLayerSlashing.slashOperatorCall(
            avs: avs, operator: op, operatorSetID: 3, strategies: strategies,
            wad: EigenLayerSlashing.wad.addingReportingOverflow(UInt256(1)).partialValue, description: "")
        #expect(try await send(chain, slasher, data: tooMuch)?.status == 0)
    }
}
