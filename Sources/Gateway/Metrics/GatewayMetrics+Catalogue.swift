import ProverNetMetrics

extension GatewayMetrics {
    /// Every metric of the gateway, with its help text: the names follow Prometheus's conventions
    /// (`provernet_` first, base units in the name, `_total` for counters). Money is counted in the
    /// `Amount`'s units (a millionth of a credit), whole numbers, never a fraction of one.
    public static let catalogue: [MetricDescription] = [
        MetricDescription("provernet_build_info", help: "Always 1; the software version as a label."),
        MetricDescription("provernet_gateway_requests_total", help: "Requests that entered each state."),
        MetricDescription(
            "provernet_gateway_request_duration_seconds",
            help: "Time from a request's submission to its end, by the state it ended in."),
        MetricDescription("provernet_gateway_jobs_total", help: "Job transitions into each state."),
        MetricDescription(
            "provernet_gateway_jobs_requeued_total",
            help: "Jobs that went back to the market, by reason (lease_expired, reauctioned, handed_back, ...)."),
        MetricDescription("provernet_gateway_leases_granted_total", help: "Leases granted by the market, per class."),
        MetricDescription(
            "provernet_gateway_clearing_price_units",
            help: "The price paid to the prover per job in the last trade of each class, in units of 1e-6 credit."),
        MetricDescription(
            "provernet_gateway_clearing_charge_units",
            help: "The price charged to the client per job in the last trade of each class, in units of 1e-6 credit."),
        MetricDescription(
            "provernet_gateway_time_to_first_assignment_seconds",
            help: "Time from a request's submission to its job's first lease, per class."),
        MetricDescription("provernet_gateway_auction_rounds_total", help: "DARA rounds cleared, per class."),
        MetricDescription(
            "provernet_gateway_auction_bids_total", help: "Bids (requests) entered in rounds, per class."),
        MetricDescription("provernet_gateway_auction_asks_total", help: "Asks (provers) entered in rounds, per class."),
        MetricDescription("provernet_gateway_auction_trades_total", help: "Jobs matched in rounds, per class."),
        MetricDescription(
            "provernet_gateway_notice_delivery_seconds",
            help: "On a gateway that follows: from the leader's NOTIFY to the prover's message (assign, stop, verdict)."
        ),
        MetricDescription(
            "provernet_gateway_auction_duration_seconds",
            help: "Time of one market pass that cleared at least one round, commit included."),
        MetricDescription(
            "provernet_gateway_ledger_units_total",
            help: "Money written to the ledger by kind, in units of 1e-6 credit (charges = payments + fees)."),
        MetricDescription(
            "provernet_gateway_prover_earnings_units_total",
            help: "What each prover was paid, in units of 1e-6 credit (prover: first 12 hex digits of its id)."),
        MetricDescription(
            "provernet_gateway_prover_proofs_verified_total", help: "Proofs of each prover that the gateway accepted."),
        MetricDescription(
            "provernet_gateway_prover_proofs_rejected_total", help: "Proofs of each prover that the gateway rejected."),
        MetricDescription(
            "provernet_gateway_prover_jobs_failed_total", help: "Jobs that each prover reported as failed."),
        MetricDescription(
            "provernet_gateway_prover_jobs_lost_total", help: "Leases each prover lost by disappearing."),
        MetricDescription(
            "provernet_gateway_verification_duration_seconds",
            help: "Time to check one result (decode, statement, verify), by job kind."),
        MetricDescription(
            "provernet_gateway_verification_batch_size",
            help: "Proofs of one circuit verified together in one batch (one random linear combination).",
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256]),
        MetricDescription(
            "provernet_gateway_verification_seconds_per_proof",
            help: "A batch's verification time divided among its proofs: one observation per proof.",
            buckets: [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]),
        MetricDescription(
            "provernet_gateway_events_per_commit",
            help: "Events whose changes one store transaction committed (group commit under load).",
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]),
        MetricDescription(
            "provernet_gateway_store_commit_duration_seconds",
            help: "Time of one commit to the store (an event or a group of them): market when it holds a market pass."),
        MetricDescription(
            "provernet_gateway_statement_duration_seconds",
            help: "Time to compute (or, when declared, check) the statements of one submission's inputs."),
        MetricDescription(
            "provernet_gateway_verdicts_total", help: "Verdicts on results, accepted or rejected, by reason."),
        MetricDescription("provernet_gateway_submissions_total", help: "Requests submitted and accepted."),
        MetricDescription(
            "provernet_gateway_statements_total",
            help:
                "Statements of accepted inputs, by source: computed (the gateway ran the witness) or declared (by the client)."
        ),
        MetricDescription(
            "provernet_gateway_statement_mismatches_total",
            help: "Statement mismatches provers reported on declared inputs, by who was wrong (client or prover)."),
        MetricDescription(
            "provernet_gateway_submission_refusals_total",
            help: "Submissions refused, by the gRPC status code's name."),
        MetricDescription(
            "provernet_gateway_store_write_failures_total",
            help: "Events refused because their database write failed."),
        MetricDescription("provernet_gateway_provers_connected", help: "Provers connected now."),
        MetricDescription("provernet_gateway_slots", help: "Job slots of the connected provers."),
        MetricDescription("provernet_gateway_free_slots", help: "Free job slots of the connected provers."),
        MetricDescription("provernet_gateway_database_up", help: "1 when the database answers and writes succeed."),
        MetricDescription("provernet_gateway_draining", help: "1 while the gateway drains for a shutdown."),
        MetricDescription("provernet_gateway_open_requests", help: "Requests not yet ended, by state."),
        MetricDescription("provernet_gateway_open_jobs", help: "Jobs of open requests not yet ended, by state."),
        MetricDescription("provernet_gateway_queue_depth", help: "Jobs pending for the market, per class."),
        MetricDescription(
            "provernet_gateway_oldest_pending_job_age_seconds",
            help: "Age of the request of the oldest pending job, per class."),
        MetricDescription("provernet_gateway_prover_free_slots", help: "Free slots of each connected prover."),
        MetricDescription("provernet_gateway_prover_running_jobs", help: "Jobs each connected prover holds."),
        MetricDescription(
            "provernet_gateway_prover_cpu_load_ratio",
            help: "Each connected prover's load average per core, from its heartbeats."),
        MetricDescription(
            "provernet_gateway_prover_memory_used_bytes",
            help: "Each connected prover's memory in use, from its heartbeats."),
    ]
}
