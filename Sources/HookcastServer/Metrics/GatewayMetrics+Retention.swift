import HookcastCore

extension GatewayMetrics {
    /// Records pruned past their retention (`RetentionService`), by kind: `commands`, `delivery_rows`,
    /// `audit_entries`, `callback_reports`, `cap_alerts`.
    func pruned(_ batch: PrunedRecords) {
        let kinds = [
            ("commands", batch.commands), ("delivery_rows", batch.deliveryRows), ("audit_entries", batch.auditEntries),
            ("callback_reports", batch.callbackReports), ("cap_alerts", batch.capAlerts),
        ]
        for (kind, count) in kinds where count > 0 {
            counter("hookcast_retention_pruned_total", ("kind", kind)).increment(by: count)
        }
    }
}
