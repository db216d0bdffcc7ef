# pragma version ~=0.4.3
# A test double of EigenLayer's AllocationManager: operator-set membership and allocated stake, with EigenLayer's
# exact signatures (an OperatorSet is the tuple (address avs, uint32 id)).

struct OperatorSet:
    avs: address
    id: uint32

members: HashMap[address, HashMap[uint32, HashMap[address, bool]]]
allocated: HashMap[address, HashMap[uint32, HashMap[address, HashMap[address, uint256]]]]


@external
@view
def isMemberOfOperatorSet(operator: address, operatorSet: OperatorSet) -> bool:
    return self.members[operatorSet.avs][operatorSet.id][operator]


@external
@view
def getAllocatedStake(
    operatorSet: OperatorSet, operators: DynArray[address, 64], strategies: DynArray[address, 64]
) -> DynArray[DynArray[uint256, 64], 64]:
    result: DynArray[DynArray[uint256, 64], 64] = []
    for operator: address in operators:
        row: DynArray[uint256, 64] = []
        for strategy: address in strategies:
            row.append(self.allocated[operatorSet.avs][operatorSet.id][operator][strategy])
        result.append(row)
    return result


@external
def setMember(avs: address, id: uint32, operator: address, member: bool):
    self.members[avs][id][operator] = member


@external
def setAllocated(avs: address, id: uint32, operator: address, strategy: address, amount: uint256):
    self.allocated[avs][id][operator][strategy] = amount
