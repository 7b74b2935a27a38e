import CMosquitto

/// libmosquitto must be initialised once per process before any client is created.
enum MosquittoLibrary {
    /// A lazily initialised global: Swift runs its initialiser exactly once, thread-safely.
    private static let initialisation: Int32 = mosquitto_lib_init()

    static func ensureInitialised() {
        _ = initialisation
    }

    static func errorMessage(_ code: Int32) -> String {
        if code == MOSQ_ERR_ERRNO.rawValue {
            return String(cString: strerror(cmosquitto_errno()))
        }
        return String(cString: mosquitto_strerror(code))
    }
}
