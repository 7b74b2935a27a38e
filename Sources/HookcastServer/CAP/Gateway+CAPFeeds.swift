import Foundation
import HookcastCAP
import HookcastCore
import HookcastProtocol

extension Gateway {
    /// Polls one feed: fetches it conditionally, acts on each alert it serves or links to that was not acted on
    /// before (each through `receiveCAP`, so a message is still acted on once by its CAP key), and returns the
    /// feed's new status, saved. A failing entry is named in `last_error` and tried again next time; the others
    /// go on.
    @discardableResult
    func pollCAPFeed(_ feed: CAPFeed, status: CAPFeedStatus, fetcher: CAPFeedFetcher) async -> CAPFeedStatus {
        var status = status
        status.lastPolledAt = Date()
        status.lastError = nil
        if let url = URL(string: feed.url) {
            await poll(url, feed: feed, status: &status, fetcher: fetcher)
        } else {
            status.lastError = "The URL cannot be read."
        }
        do {
            try await store.capFeeds.saveStatus(status, of: feed.id)
        } catch {
            logger.warning("CAP feed status not saved", metadata: ["feed": "\(feed.id)", "error": "\(error)"])
        }
        metrics.capFeedPolled(
            outcome: status.lastError != nil ? "failed" : status.lastStatus == 304 ? "unchanged" : "changed")
        if let problem = status.lastError {
            logger.warning("CAP feed poll failed", metadata: ["feed": "\(feed.id)", "problem": "\(problem)"])
        }
        return status
    }

    private func poll(_ url: URL, feed: CAPFeed, status: inout CAPFeedStatus, fetcher: CAPFeedFetcher) async {
        switch await fetcher.fetch(url, etag: status.etag, lastModified: status.lastModified) {
        case .noAnswer(let reason):
            status.lastStatus = nil
            status.lastError = "No answer: \(reason)."
        case .answered(let code, let body, let etag, let lastModified):
            status.lastStatus = code
            if code == 304 { return }
            guard (200..<300).contains(code) else {
                status.lastError = "The feed answered HTTP \(code)."
                return
            }
            let document: CAPFeedDocument
            do {
                document = try CAPFeedReader.read(body)
            } catch {
                status.lastError = "The feed cannot be read: \(error.message)"
                return
            }
            switch document {
            case .alert(let alert):
                if await receive(alert, from: feed, status: &status, entry: "the alert") {
                    (status.etag, status.lastModified) = (etag, lastModified)
                }
            case .feed(let entries):
                // Feeds list the newest first: acted on oldest first, so an Update follows what it updates.
                var allActedOn = true
                for entry in entries.reversed() {
                    let key = "\(entry.id ?? entry.link)|\(entry.updated ?? "")"
                    guard !status.seenEntries.contains(key) else { continue }
                    if await take(entry, base: url, feed: feed, status: &status, fetcher: fetcher) {
                        status.remember([key])
                    } else {
                        allActedOn = false
                    }
                }
                // A feed with an entry that failed is fetched in full next time, not answered 304.
                if allActedOn { (status.etag, status.lastModified) = (etag, lastModified) }
            }
        }
    }

    /// Acts on one entry: its inline alert, or the alert its link serves. False when it failed (and why is in
    /// `lastError`).
    private func take(
        _ entry: CAPFeedEntry, base: URL, feed: CAPFeed, status: inout CAPFeedStatus, fetcher: CAPFeedFetcher
    ) async -> Bool {
        let name = "Entry \(String((entry.id ?? entry.link).prefix(200)))"
        if let alert = entry.inlineAlert { return await receive(alert, from: feed, status: &status, entry: name) }
        guard let link = URL(string: entry.link, relativeTo: base)?.absoluteURL,
            ["http", "https"].contains(link.scheme?.lowercased() ?? "")
        else {
            status.lastError = "\(name): its link is not an http or https URL."
            return false
        }
        switch await fetcher.fetch(link) {
        case .noAnswer(let reason):
            status.lastError = "\(name): no answer: \(reason)."
            return false
        case .answered(let code, let body, _, _):
            guard (200..<300).contains(code) else {
                status.lastError = "\(name): HTTP \(code)."
                return false
            }
            do {
                return await receive(try CAPAlertReader.read(body), from: feed, status: &status, entry: name)
            } catch {
                status.lastError = "\(name): not a CAP 1.2 alert: \(error.message)"
                return false
            }
        }
    }

    private func receive(
        _ alert: CAPAlert, from feed: CAPFeed, status: inout CAPFeedStatus, entry: String
    ) async -> Bool {
        do {
            let reception = try await receiveCAP(alert, from: CAPOrigin(feedURL: feed.url))
            if !reception.duplicate { status.alertsReceived += 1 }
            return true
        } catch {
            status.lastError = "\(entry): \(error.detail)"
            return false
        }
    }
}
