# pragma version ~=0.4.3
# A test double of EigenLayer's DelegationManager: the views the operator registry reads, with EigenLayer's exact
# signatures (so the same selectors), and setters a test calls in real transactions.

operators: HashMap[address, bool]
shares: HashMap[address, HashMap[address, uint256]]


@external
@view
def isOperator(operator: address) -> bool:
    return self.operators[operator]


@external
@view
def operatorShares(operator: address, strategy: address) -> uint256:
    return self.shares[operator][strategy]


@external
@view
def getOperatorShares(operator: address, strategies: DynArray[address, 64]) -> DynArray[uint256, 64]:
    result: DynArray[uint256, 64] = []
    for strategy: address in strategies:
        result.append(self.shares[operator][strategy])
    return result


@external
def setOperator(operator: address, registered: bool):
    self.operators[operator] = registered


@external
def setShares(operator: address, strategy: address, amount: uint256):
    self.shares[operator][strategy] = amount
