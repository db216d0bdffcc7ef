import ArgumentParser

/// Where the running gateway of an allowlist change is, when its data directory's `gateway.json` should
/// not be used (a gateway behind another address, a CA kept elsewhere).
struct AllowlistGatewayOptions: ParsableArguments {
    @Option(help: "The running gateway's HOST:PORT (default: $PROVERNET_GATEWAY, else DATA_DIR/gateway.json).")
    var gateway: String?

    @Option(help: "The CA certificate (PEM) of the gateway (default: $PROVERNET_CA, else DATA_DIR/gateway.json's).")
    var ca: String?

    @Option(help: "A file holding an admin API key (default: $PROVERNET_API_KEY, else $PROVERNET_API_KEY_FILE).")
    var apiKeyFile: String?

    @Option(
        help:
            "The gateway's PostgreSQL database (postgres://…), when it is on one: written directly while no gateway writes to it."
    )
    var database: String?

    @OptionGroup var oneTimeCode: OneTimeCodeOption
}
