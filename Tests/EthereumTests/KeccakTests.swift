import Ethereum
import Testing

@Suite struct KeccakTests {
    /// Known vectors: the empty string and "abc" (Keccak team's and Ethereum's), a selector, and the padding
    /// edges around the 136-byte rate (checked with eth-utils' keccak).
    @Test(arguments: [
        ("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        ("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        (String(repeating: "a", count: 135), "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446"),
        (String(repeating: "a", count: 136), "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e"),
    ])
    func knownVectors(input: String, expected: String) {
        #expect(Hex.encode(Keccak256.hash(input), prefixed: false) == expected)
    }

    @Test(arguments: [
        ("transfer(address,uint256)", "0xa9059cbb"),
        ("isOperator(address)", "0x6d70f7ae"),
        ("operatorShares(address,address)", "0x778e55f3"),
        ("getOperatorShares(address,address[])", "0x90041347"),
        ("avsOperatorStatus(address,address)", "0x49075da3"),
        ("isMemberOfOperatorSet(address,(address,uint32))", "0x670d3ba2"),
        ("getAllocatedStake((address,uint32),address[],address[])", "0x2b453a9a"),
    ])
    func eigenLayerSelectors(signature: String, selector: String) {
        #expect(Hex.encode(ABI.selector(signature)) == selector)
    }
}

@Suite struct AddressTests {
    @Test func privateKeyOneHasTheKnownAddress() throws {
        let key = try PrivateKey(rawBytes: [UInt8](repeating: 0, count: 31) + [1])
        #expect(key.address.checksummed == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
    }

    /// EIP-55's own examples.
    @Test(arguments: [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ])
    func eip55Checksums(address: String) throws {
        #expect(try Address(address.lowercased()).checksummed == address)
        #expect(try Address(address).checksummed == address)
    }

    @Test func aWrongChecksumOrBadHexIsATypedError() {
        #expect(throws: EthereumError.badChecksum("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")) {
            try Address("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        }
        #expect(throws: EthereumError.self) { try Address("0x1234") }
        #expect(throws: EthereumError.self) { try Address("0xzz" + String(repeating: "0", count: 38)) }
        #expect(throws: EthereumError.invalidPrivateKey) { try PrivateKey(rawBytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: EthereumError.invalidPrivateKey) {
            try PrivateKey(rawBytes: [UInt8](repeating: 0xFF, count: 32))
        }
    }

    @Test func aHighSOrABadVIsRefused() throws {
        var bytes = [UInt8](repeating: 1, count: 64) + [27]
        bytes[32] = 0xFF
        #expect(throws: EthereumError.self) { try Signature(bytes: bytes) }
        #expect(throws: EthereumError.self) { try Signature(bytes: [UInt8](repeating: 1, count: 64) + [29]) }
        #expect(try Signature(bytes: [UInt8](repeating: 1, count: 64) + [0]).v == 27)
    }
}

@Suite struct UInt256Tests {
    @Test func parsesPrintsAndAdds() throws {
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(try UInt256(max) == .max)
        #expect(UInt256.max.description == max)
        #expect(throws: EthereumError.self) { try UInt256(max + "0") }
        #expect(throws: EthereumError.self) { try UInt256("-1") }
        #expect(throws: EthereumError.self) { try UInt256("1e18") }
        #expect(try UInt256("0x0de0b6b3a7640000") == UInt256(1_000_000_000_000_000_000))
        #expect(UInt256.max.addingReportingOverflow(UInt256(1)).overflow)
        let big = try UInt256("340282366920938463463374607431768211456") // 2^128
        #expect(big.addingReportingOverflow(big).partialValue.description == "680564733841876926926749214863536422912")
        #expect(UInt256(5) < big && !(big < UInt256(5)))
    }
}

@Suite struct ABITests {
    @Test func encodesAnOperatorSetAndAddressArraysAsSolidityDoes() throws {
        let a = try Address("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
        let data = ABI.call(
            "getAllocatedStake((address,uint32),address[],address[])",
            [.tuple([.address(a), .uint(UInt256(7))]), .addresses([a]), .addresses([a, a])])
        // selector, avs, id, offset 0x80, offset 0xc0, [1, a], [2, a, a]
        #expect(data.count == 4 + 32 * 9)
        #expect(Hex.encode(data.prefix(4)) == "0x2b453a9a")
        #expect(try ABI.decodeUInt(Array(data[(4 + 64)...])) == UInt256(0x80))
        #expect(try ABI.decodeUInt(Array(data[(4 + 96)...])) == UInt256(0xC0))
    }

    @Test func decodesNestedArraysAndRefusesTruncatedData() throws {
        // uint256[][] = [[1, 2], [3]]
        let words: [UInt64] = [0x20, 2, 0x40, 0xA0, 2, 1, 2, 1, 3]
        let data = words.flatMap { UInt256($0).bigEndianBytes }
        #expect(try ABI.decodeUIntMatrix(data) == [[UInt256(1), UInt256(2)], [UInt256(3)]])
        #expect(throws: EthereumError.self) { try ABI.decodeUIntMatrix(Array(data.prefix(100))) }
        #expect(throws: EthereumError.self) { try ABI.decodeBool(UInt256(2).bigEndianBytes) }
        #expect(throws: EthereumError.self) { try ABI.decodeBool([]) }
    }
}
