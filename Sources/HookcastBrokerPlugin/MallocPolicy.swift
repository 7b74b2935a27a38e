import CMosquittoBroker

/// glibc's malloc serves a request of 128 KiB or more with its own mmap, and gives it back to the system on free,
/// until the first such block is freed: then it raises that threshold to the freed block's size (up to 32 MiB), and
/// blocks below it come from the heap, where freed memory mostly stays with the process.
///
/// The account table's arrays are such blocks, and a journal compaction frees a copy of them (the table as it was
/// when the snapshot began, kept until the broker's next change). With the raised threshold the next copies stayed
/// in the heap: at 100,000 accounts the broker kept 7 MiB more in some runs than in others (bench/README.md). Fixing
/// the threshold at its default stops the raising, so every large block goes back when freed. It is process-wide:
/// mosquitto's own allocations of 128 KiB or more (only very large messages) are then always mapped, as the first
/// ones are anyway.
enum MallocPolicy {
    static func keepLargeBlocksMapped() {
        if hookcast_fix_mmap_threshold(128 * 1024) != 1 {
            BrokerLog.warning("could not fix malloc's mmap threshold; large freed blocks may stay with the broker")
        }
    }
}
