import ArgumentParser
import Foundation
import Gateway
import ProverNetAPI
import ProverNetClient
import Store
import StorePostgres

/// A change to a gateway's prover allowlist, made where it is safe: through the running gateway's admin
/// RPC (with an admin API key and a one-time code) while a gateway holds the directory's lock,
/// or straight into the database, holding that lock, while none runs.
struct AllowlistChange {
    let dataDirectory: String
    let connection: AllowlistGatewayOptions

    static let discussion = """
        While a gateway runs on --data-dir, the change goes through its admin service, with an admin API key \
        (--api-key-file, PROVERNET_API_KEY) and a current one-time code of its authenticator (--otp); the \
        gateway's address and CA come from --gateway/--ca, PROVERNET_GATEWAY/PROVERNET_CA, or \
        DATA_DIR/gateway.json. \
        While none runs, the change is written to DATA_DIR/gateway.sqlite directly, holding \
        DATA_DIR/gateway.lock so that no gateway starts meanwhile. With --database postgres://…, the change is \
        written to that database while no gateway writes to it (its writer lock held meanwhile), and goes \
        through the running gateway otherwise.
        """

    /// Applies the change: `offline` on the database when no gateway holds the directory, else `online`
    /// with a client of the running gateway and the one-time code.
    func apply<T: Sendable>(
        offline: (any GatewayStore & OperatorStore) async throws -> T,
        online: (ProverNetClient, String) async throws -> T
    ) async throws -> T {
        if let database = connection.database {
            guard PostgresStoreConfiguration.isPostgresURL(database) else {
                throw failure("--database must be a postgres:// URL (an SQLite database is in --data-dir)")
            }
            let store: PostgresStore
            do {
                store = try await PostgresStore.open(url: database, writer: "provernet admin (offline change)")
            } catch {
                // A gateway writes to the database: the change goes through it.
                if PostgresStore.isHeldByAnotherWriter(error) { return try await applyOnline(online) }
                throw failure("\(error)")
            }
            do {
                let result = try await offline(store)
                try? await store.close()
                return result
            } catch {
                try? await store.close()
                throw failure("\(error)")
            }
        }
        let databasePath = (dataDirectory as NSString).appendingPathComponent("gateway.sqlite")
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw failure(
                "no gateway database at \(databasePath) (start the gateway once with --data-dir \(dataDirectory))")
        }
        let lock: DataDirectoryLock?
        do {
            lock = try DataDirectoryLock.acquire(dataDirectory: dataDirectory)
        } catch {
            throw failure(error.description)
        }
        if let lock {
            defer { withExtendedLifetime(lock) {} }
            let store: SQLiteStore
            do {
                store = try SQLiteStore(path: databasePath)
            } catch {
                throw failure("\(error)")
            }
            let result = try await badInputExitsAsync { try await offline(store) }
            try? await store.close()
            return result
        }
        return try await applyOnline(online)
    }

    /// The change through the running gateway's admin service, with its one-time code.
    private func applyOnline<T: Sendable>(_ online: (ProverNetClient, String) async throws -> T) async throws -> T {
        let code: String
        let endpoint: GatewayEndpoint
        do {
            endpoint = try runningGateway()
            guard endpoint.apiKey != nil else {
                throw failure(
                    "a gateway runs on \(dataDirectory): the change goes through it, with an admin API key "
                        + "(--api-key-file or PROVERNET_API_KEY) and --otp")
            }
            code = try connection.oneTimeCode.code()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw failure("\(error)")
        }
        do {
            return try await ProverNetClient.withClient(endpoint: endpoint) { client in
                try await online(client, code)
            }
        } catch let error as ProverNetClientError {
            throw failure(error.description)
        }
    }

    /// The running gateway: from the flags, the environment, or the data directory's `gateway.json`.
    private func runningGateway() throws -> GatewayEndpoint {
        let environment = ProcessInfo.processInfo.environment
        func value(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        }
        let ca = value(connection.ca, "PROVERNET_CA")
        let key = try APIKeyOption.read(file: connection.apiKeyFile)
        if let address = value(connection.gateway, "PROVERNET_GATEWAY") {
            return try ProverNetClient.endpoint(gateway: address, ca: ca).presenting(key)
        }
        let file = try GatewayAddressFile.read(fromDataDirectory: dataDirectory)
        return GatewayEndpoint(host: file.host, port: file.port, caCertificatePath: ca ?? file.ca, apiKey: key)
    }
}
