import Foundation

extension APIKeyService {
    /// Where the reports of this key's calls go; nil when the key names no callback (or is gone).
    public func callbackTarget(id: UUID) async throws -> CallbackTarget? {
        try await repository.find(id: id)?.callback
    }

    /// Sets, changes or removes the key's callback (`KeyVault.callback(current:url:rotate:)`); returns the key and
    /// the new signing secret when one was made.
    public func setCallback(id: UUID, url: String??, rotate: Bool) async throws -> (APIKey, SigningSecret?) {
        var stored = try await existing(id)
        let (target, secret) = try vault.callback(current: stored.callback, url: url, rotate: rotate)
        guard target != stored.callback else { return (visible(stored), nil) }
        stored.callback = target
        try await repository.update(stored)
        return (visible(stored), secret)
    }
}
