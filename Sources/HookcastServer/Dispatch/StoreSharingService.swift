import HookcastCore
import Logging
import ServiceLifecycle

/// For a gateway on a database other gateways share: keeps the store's link between them (`StoreSharing.run`),
/// tells the delivery service when this gateway leads, and passes on what the others wrote: acknowledgements wake
/// `?wait` webhooks and the console's live view here whichever gateway stored them, changed records leave this
/// gateway's caches, and a console session signed out elsewhere ends here.
struct StoreSharingService: Service {
    let sharing: any StoreSharing
    /// Nil when the store does not cache (the tests' stores).
    let cache: CachingStore?
    let delivery: DeliveryService
    let watchers: CommandWatchers
    let live: LiveEvents
    let sessions: ConsoleSessions
    let reports: DeliveryReports

    func run() async throws {
        // Subscribed before `run` starts, so the first answers are heard.
        let leadership = sharing.leadership()
        let notices = sharing.notices()
        await withDiscardingTaskGroup { group in
            group.addTask { await cancelWhenGracefulShutdown { await sharing.run() } }
            group.addTask {
                for await leading in leadership {
                    delivery.leadershipChanged(leading: leading)
                    reports.leadershipChanged(leading: leading)
                }
            }
            group.addTask {
                for await notice in notices { await hear(notice) }
            }
        }
    }

    private func hear(_ notice: StoreNotice) async {
        switch notice {
        case .acknowledged(let ids):
            watchers.notify(ids)
            live.commandsChanged(ids)
        case .commandsChanged(let ids):
            live.commandsChanged(ids)
            // Another gateway's new commands may come with a report to look after.
            reports.commandsChanged(ids)
        case .recordsChanged(let records):
            cache?.forgetCachedReads(of: records)
        case .sessionEnded(let digest):
            sessions.forget(digest: digest)
        case .resumed:
            for records in CachedRecords.allCases { cache?.forgetCachedReads(of: records) }
            watchers.notifyAll()
            await sessions.revalidate()
        }
    }
}
