import Foundation
import HookcastProtocol

extension KeyVault {
    /// An action's or key's callback after an admin request: `url` absent (`.none`) keeps it, `null` removes it, a
    /// URL sets it (checked). A new signing secret is made when the URL is first set or `rotate` asks; it is
    /// returned (to be shown once) with the target. The secret stays when only the URL changes.
    public func callback(current: CallbackTarget?, url: String??, rotate: Bool) throws -> (
        CallbackTarget?, SigningSecret?
    ) {
        var target = current
        switch url {
        case .none: break
        case .some(.none): target = nil
        case .some(.some(let text)):
            let checked = try CallbackTarget.validatedURL(text)
            if var existing = target {
                existing.url = checked
                target = existing
            } else {
                let secret = SigningSecret.generate()
                return (CallbackTarget(url: checked, encryptedSecret: try encrypt(secret.value)), secret)
            }
        }
        guard rotate else { return (target, nil) }
        guard var rotated = target else {
            throw ValidationError(field: "rotate_callback_secret", message: "needs a callback_url to sign for")
        }
        let secret = SigningSecret.generate()
        rotated.encryptedSecret = try encrypt(secret.value)
        return (rotated, secret)
    }

    /// A callback's signing secret, for the sender.
    public func callbackSecret(of target: CallbackTarget) throws -> SigningSecret {
        guard let secret = SigningSecret(value: try decrypt(target.encryptedSecret)) else {
            throw KeyVaultError.decryptionFailed
        }
        return secret
    }
}
