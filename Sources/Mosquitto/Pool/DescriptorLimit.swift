// Linux only: the pool drives its clients with epoll.
#if os(Linux)
    import CMosquitto

    /// The process's open-file limit (RLIMIT_NOFILE), which bounds how many clients one pool can hold: libmosquitto
    /// uses three descriptors per client (the connection and a socket pair it keeps to interrupt its own loop).
    enum DescriptorLimit {
        static let perClient = 3
        /// Left for everything else the process opens: files, the epoll and wake descriptors, logs, listeners.
        static let reserve = 256

        /// Raises the soft limit to the hard one, and beyond it when the process may (root or CAP_SYS_RESOURCE) and
        /// `needed` asks for more. Returns the soft limit in force afterwards.
        @discardableResult
        static func raise(toFit needed: Int = 0) -> Int {
            var limit = rlimit()
            guard getrlimit(resourceNoFile, &limit) == 0 else { return 0 }
            if limit.rlim_cur < limit.rlim_max {
                var raised = limit
                raised.rlim_cur = limit.rlim_max
                if setrlimit(resourceNoFile, &raised) == 0 { limit = raised }
            }
            if needed > 0, limit.rlim_cur < rlim_t(needed) {
                // Only a privileged process can raise the hard limit; for others this fails and the caller says so.
                var raised = limit
                raised.rlim_cur = rlim_t(needed)
                raised.rlim_max = max(limit.rlim_max, rlim_t(needed))
                if setrlimit(resourceNoFile, &raised) == 0 { limit = raised }
            }
            return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
        }

        /// Descriptors a pool of `clients` needs.
        static func needed(forClients clients: Int) -> Int { clients * perClient + reserve }

        private static var resourceNoFile: __rlimit_resource_t { __rlimit_resource_t(RLIMIT_NOFILE.rawValue) }
    }
#endif
