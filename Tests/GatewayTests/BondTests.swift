import Ethereum
import ProverNetCore
import Store
import Testing

@_spi(Testing) @testable import Gateway

/// Bonded stake: each lease locks a bond from its prover's operator's stake, the market sees each prover's
/// real headroom, an operator never holds more work than its stake covers, and a lease's end releases its bond.
@Suite struct BondTests {
    typealias Fixture = JobBookTests.Fixture

    @Test func theBondIsAMinimumPlusAMultipleOfThePriceAndStakeConvertsBothWays() {
        let policy = BondPolicy()
        #expect(policy.bond(price: 2) == 5) // 1 + 2 × 2
        #expect(policy.bond(price: Amount(units: 1)) == Amount(units: 1_000_002)) // rounded up
        #expect(BondPolicy.none.bond(price: 100) == .zero)
        #expect(policy.amount(ofStake: UInt256(100)) == 100)
        let eigen = BondPolicy(stakeUnitsPerCredit: 1_000_000_000_000_000_000)
        #expect(eigen.amount(ofStake: UInt256(1_500_000_000_000_000_000)) == Amount(decimal: "1.5"))
        #expect(eigen.stake(of: Amount(decimal: "1.5")!) == UInt256(1_500_000_000_000_000_000))
        #expect(policy.stake(of: Amount(units: 1)) == UInt256(1)) // rounded up: never less than it says
    }

    @Test func anOperatorNeverHoldsMoreWorkThanItsStakeCoversAndAnEndedLeaseReleasesItsBond() throws {
        var f = Fixture()
        let op = "0x00000000000000000000000000000000000000aa"
        f.book.setOperatorStake(op, 20)
        f.connect("a", slots: 5, ask: 1, operatorAddress: op)
        f.connect("b", slots: 5, ask: 1, operatorAddress: op)
        let request = try f.submit(inputs: 8, maxPrice: 4)
        // Bonds of at most 1 + 2 × 4 = 9 each, of 1 + 2 × price each: the stake of 20 covers a few jobs, not the
        // ten free slots, and no more is leased than it covers.
        let first = f.assigned(f.round())
        #expect(!first.isEmpty && first.count < 8)
        #expect(
            first.allSatisfy {
                $0.1.lease.bondOperator == op && $0.1.lease.bond == BondPolicy().bond(price: $0.1.lease.price)
            })
        let locked = f.book.lockedBonds()[op] ?? .zero
        #expect(locked == first.reduce(.zero) { $0 + $1.1.lease.bond })
        #expect(locked <= 20 && f.book.stakeHeadroom(op) == Amount(whole: 20) - locked)
        let smallest = try #require(first.map(\.1.lease.bond).min())
        #expect(f.book.stakeHeadroom(op) < smallest)
        // Nothing more while those bonds stand.
        #expect(f.assigned(f.round()).isEmpty)
        // An accepted proof releases its bond; once the headroom covers a bond at the round's highest price, the
        // next round leases again, within the stake.
        var left = locked
        for (prover, a) in first {
            _ = f.result(prover.rawValue, a.job.id, epoch: a.lease.epoch)
            left = left - a.lease.bond
            #expect((f.book.lockedBonds()[op] ?? .zero) == left)
        }
        #expect(!f.assigned(f.round()).isEmpty)
        #expect((f.book.lockedBonds()[op] ?? .zero) <= 20)
        // A cancelled request releases every bond.
        let cancelled = f.book.cancel(request, now: f.now)
        _ = f.keep(try #require(cancelled))
        #expect(f.book.lockedBonds()[op] == nil && f.book.stakeHeadroom(op) == 20)
    }

    @Test func aProverWithoutAnOperatorBondsNothingAndOneWithoutStakeGetsNoWork() throws {
        var f = Fixture()
        f.connect("free", slots: 2)
        f.connect("staked", slots: 2, operatorAddress: "0xbb")
        _ = try f.submit(inputs: 4, maxPrice: 4)
        let assigned = f.assigned(f.round())
        #expect(assigned.count == 2 && assigned.allSatisfy { $0.0 == "free" && $0.1.lease.bond == .zero })
        #expect(f.book.lockedBonds().isEmpty)
    }
}
