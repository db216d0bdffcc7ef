import ProverNetCore
import Store
import Synchronization

/// The real SQLite store with a switch that makes its commits fail, as a full disk or a lost database
/// would: to check that the gateway refuses an event whose write fails instead of half applying it.
final class FailingStore: GatewayStore {
    let store: SQLiteStore
    let failing = Mutex(false)
    /// The events (non-empty batches) of each group committed through `commit(group:)`, in order.
    let commits = Mutex<[Int]>([])
    /// The events of each group whose commit was made to fail.
    let failedGroups = Mutex<[Int]>([])
    /// How long each commit takes before it is tried (a slow disk), in milliseconds.
    let delayMillis = Mutex(0)

    func delay() async {
        let millis = delayMillis.withLock { $0 }
        if millis > 0 { try? await Task.sleep(for: .milliseconds(millis)) }
    }

    init(_ store: SQLiteStore) { self.store = store }

    func fail(_ on: Bool) { failing.withLock { $0 = on } }

    func commit(_ changes: StoreChanges) async throws(StoreError) {
        await delay()
        if failing.withLock({ $0 }) {
            failedGroups.withLock { $0.append(1) }
            throw .write(reason: "disk full (injected)")
        }
        if !changes.isEmpty { commits.withLock { $0.append(1) } }
        try await store.commit(changes)
    }

    func commit(group: [StoreChanges]) async throws(StoreError) {
        await delay()
        if failing.withLock({ $0 }) {
            failedGroups.withLock { $0.append(group.filter { !$0.isEmpty }.count) }
            throw .write(reason: "disk full (injected)")
        }
        commits.withLock { $0.append(group.filter { !$0.isEmpty }.count) }
        try await store.commit(group: group)
    }

    func credit(keyID: String, amount: Amount, actor: String, atMillis: Int64) async throws(StoreError) -> Amount {
        try await store.credit(keyID: keyID, amount: amount, actor: actor, atMillis: atMillis)
    }
    func balance(of account: LedgerAccount) async throws(StoreError) -> Amount {
        try await store.balance(of: account)
    }
    func accounts() async throws(StoreError) -> [(account: LedgerAccount, balance: Amount)] {
        try await store.accounts()
    }
    func transfers(requestID: RequestID) async throws(StoreError) -> [Transfer] {
        try await store.transfers(requestID: requestID)
    }
    func transfers(after id: Int64, limit: Int) async throws(StoreError) -> [Transfer] {
        try await store.transfers(after: id, limit: limit)
    }
    func ledgerBalance() async throws(StoreError) -> LedgerBalance { try await store.ledgerBalance() }
    func ledgerProblems() async throws(StoreError) -> [String] { try await store.ledgerProblems() }

    func auditEntries(after seq: Int64, limit: Int) async throws(StoreError) -> [AuditEntry] {
        try await store.auditEntries(after: seq, limit: limit)
    }
    func lastAuditEntry() async throws(StoreError) -> AuditEntry? { try await store.lastAuditEntry() }
    func auditHeads() async throws(StoreError) -> [AuditHead] { try await store.auditHeads() }
    func insertAuditHead(_ head: AuditHead) async throws(StoreError) { try await store.insertAuditHead(head) }

    func insertCircuit(_ circuit: CircuitDescriptor, createdMillis: Int64) async throws(StoreError) {
        try await store.insertCircuit(circuit, createdMillis: createdMillis)
    }
    func circuit(id: CircuitID) async throws(StoreError) -> CircuitDescriptor? { try await store.circuit(id: id) }
    func circuits() async throws(StoreError) -> [CircuitDescriptor] { try await store.circuits() }
    func prover(id: ProverID) async throws(StoreError) -> ProverRecord? { try await store.prover(id: id) }
    func provers() async throws(StoreError) -> [ProverRecord] { try await store.provers() }
    func allowProver(id: ProverID, publicKeyHex: String, name: String, actor: String, atMillis: Int64)
        async throws(StoreError) -> ProverRecord
    {
        try await store.allowProver(id: id, publicKeyHex: publicKeyHex, name: name, actor: actor, atMillis: atMillis)
    }
    func revokeProver(id: ProverID, actor: String) async throws(StoreError) {
        try await store.revokeProver(id: id, actor: actor)
    }
    func insertKey(_ key: APIKeyRecord, actor: String) async throws(StoreError) {
        try await store.insertKey(key, actor: actor)
    }
    func key(id: String) async throws(StoreError) -> APIKeyRecord? { try await store.key(id: id) }
    func keys() async throws(StoreError) -> [APIKeyRecord] { try await store.keys() }
    func revokeKey(id: String, actor: String, atMillis: Int64) async throws(StoreError) -> APIKeyRecord {
        try await store.revokeKey(id: id, actor: actor, atMillis: atMillis)
    }
    func acceptOneTimeCode(keyID: String, step: Int64, action: String, atMillis: Int64) async throws(StoreError)
        -> Bool
    {
        try await store.acceptOneTimeCode(keyID: keyID, step: step, action: action, atMillis: atMillis)
    }
    func request(id: RequestID) async throws(StoreError) -> ProofRequest? { try await store.request(id: id) }
    func openRequests() async throws(StoreError) -> [ProofRequest] { try await store.openRequests() }
    func requests(createdSince millis: Int64) async throws(StoreError) -> [ProofRequest] {
        try await store.requests(createdSince: millis)
    }
    func job(id: JobID) async throws(StoreError) -> Job? { try await store.job(id: id) }
    func jobs(requestID: RequestID) async throws(StoreError) -> [Job] { try await store.jobs(requestID: requestID) }
    func recentJobs(limit: Int) async throws(StoreError) -> [Job] { try await store.recentJobs(limit: limit) }
    func rounds(limit: Int) async throws(StoreError) -> [RoundRecord] { try await store.rounds(limit: limit) }
    func ledger(requestID: RequestID) async throws(StoreError) -> [LedgerEntry] {
        try await store.ledger(requestID: requestID)
    }
    func ledgerTotals() async throws(StoreError) -> LedgerTotals { try await store.ledgerTotals() }
    func reputationEvents(since millis: Int64) async throws(StoreError) -> [ReputationEvent] {
        try await store.reputationEvents(since: millis)
    }
    func checkHealth() async throws(StoreError) { try await store.checkHealth() }
    func close() async throws(StoreError) { try await store.close() }
}
