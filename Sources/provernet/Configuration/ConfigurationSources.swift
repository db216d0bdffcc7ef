import Configuration
import SystemPackage

/// Where the long-running commands (`gateway`, `prover`) read their settings, highest priority first:
/// flags given on the command line, then environment variables `PROVERNET_<SECTION>_<KEY>` (for example
/// `PROVERNET_GATEWAY_PORT`), then a JSON file given with `--config` (`{"gateway": {"port": 7443}}`),
/// then each setting's documented default.
enum ConfigurationSources {
    static func reader(file: String?, flags: [String: String?]) async throws -> ConfigReader {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in flags {
            if let value {
                values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(
                    .string(value), isSecret: false)
            }
        }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: values),
            EnvironmentVariablesProvider().prefixKeys(with: ConfigKey(["provernet"])),
        ]
        if let file {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(file)))
        }
        return ConfigReader(providers: providers)
    }
}
