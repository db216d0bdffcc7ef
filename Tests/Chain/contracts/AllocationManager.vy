# pragma version ~=0.4.3
# A test double of EigenLayer's AllocationManager: operator-set membership, allocated stake and slashing, with
# EigenLayer's exact signatures (an OperatorSet is the tuple (address avs, uint32 id); SlashingParams as in
# eigenlayer-contracts' IAllocationManager), so the selectors are mainnet's.

struct OperatorSet:
    avs: address
    id: uint32

struct SlashingParams:
    operator: address
    operatorSetId: uint32
    strategies: DynArray[address, 64]
    wadsToSlash: DynArray[uint256, 64]
    description: String[1024]

event OperatorSlashed:
    operator: indexed(address)
    avs: indexed(address)
    operatorSetId: uint32
    slashId: uint256
    strategies: DynArray[address, 64]
    wadsToSlash: DynArray[uint256, 64]
    description: String[1024]

WAD: constant(uint256) = 10**18

members: HashMap[address, HashMap[uint32, HashMap[address, bool]]]
allocated: HashMap[address, HashMap[uint32, HashMap[address, HashMap[address, uint256]]]]
# The address an AVS appointed to slash for it (EigenLayer: PermissionController.setAppointee for slashOperator).
slasher: public(HashMap[address, address])
slashCount: public(HashMap[address, HashMap[uint32, uint256]])


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
def slashOperator(avs: address, params: SlashingParams) -> (uint256, DynArray[uint256, 64]):
    # EigenLayer's checks: only the AVS or its appointee; a member of the set; strategies strictly ascending;
    # each wad in (0, 1e18]; as many wads as strategies. The stake slashed is rounded up (mulWadRoundUp).
    assert msg.sender == avs or (msg.sender == self.slasher[avs] and msg.sender != empty(address)), "InvalidCaller"
    assert self.members[avs][params.operatorSetId][params.operator], "OperatorNotSlashable"
    assert len(params.strategies) == len(params.wadsToSlash), "InputArrayLengthMismatch"
    shares: DynArray[uint256, 64] = []
    previous: uint256 = 0
    for i: uint256 in range(64):
        if i >= len(params.strategies):
            break
        strategy: address = params.strategies[i]
        assert i == 0 or convert(strategy, uint256) > previous, "StrategiesMustBeInAscendingOrder"
        previous = convert(strategy, uint256)
        wad: uint256 = params.wadsToSlash[i]
        assert wad > 0 and wad <= WAD, "InvalidWadToSlash"
        stake: uint256 = self.allocated[avs][params.operatorSetId][params.operator][strategy]
        slashed: uint256 = min(stake, (stake * wad + WAD - 1) // WAD)
        self.allocated[avs][params.operatorSetId][params.operator][strategy] = stake - slashed
        shares.append(slashed)
    slashId: uint256 = self.slashCount[avs][params.operatorSetId] + 1
    self.slashCount[avs][params.operatorSetId] = slashId
    log OperatorSlashed(
        operator=params.operator, avs=avs, operatorSetId=params.operatorSetId, slashId=slashId,
        strategies=params.strategies, wadsToSlash=params.wadsToSlash, description=params.description)
    return slashId, shares


@external
def setSlasher(slasher: address):
    # Called by the AVS itself: appoints `slasher` to slash on its behalf.
    self.slasher[msg.sender] = slasher


@external
def setMember(avs: address, id: uint32, operator: address, member: bool):
    self.members[avs][id][operator] = member


@external
def setAllocated(avs: address, id: uint32, operator: address, strategy: address, amount: uint256):
    self.allocated[avs][id][operator][strategy] = amount
