# pragma version ~=0.4.3
# A test double of EigenLayer's AVSDirectory: avsOperatorStatus(avs, operator) is 1 when registered, 0 when not.

avsOperatorStatus: public(HashMap[address, HashMap[address, uint8]])


@external
def setStatus(avs: address, operator: address, status: uint8):
    self.avsOperatorStatus[avs][operator] = status
