import ProverNetCore

extension JobBook {
    // MARK: Bonds

    /// Sets an operator's stake (in the ledger's unit), as its registry reads it now.
    public mutating func setOperatorStake(_ address: String, _ stake: Amount) {
        operatorStakes[address.lowercased()] = stake
    }

    /// The bonds locked now, by operator: the sum of the bonds of the leases that stand. A bond is released
    /// by the lease's end, whatever ended it (accepted, released, lapsed, cancelled), so nothing else is kept.
    public func lockedBonds() -> [String: Amount] {
        var locked: [String: Amount] = [:]
        for job in jobs.values {
            guard let lease = job.state.lease, let address = lease.bondOperator else { continue }
            locked[address, default: .zero] = locked[address, default: .zero] + lease.bond
        }
        return locked
    }

    /// An operator's stake not yet bonded: its stake less the bonds of its provers' leases (never below zero).
    public func stakeHeadroom(_ address: String) -> Amount {
        headroom(address, locked: lockedBonds())
    }

    func headroom(_ address: String, locked: [String: Amount]) -> Amount {
        let free = (operatorStakes[address] ?? .zero) - (locked[address] ?? .zero)
        return max(.zero, free)
    }
}
