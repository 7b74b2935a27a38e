#include "CMosquittoBroker.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

void hookcast_broker_log(int level, const char *message)
{
    mosquitto_log_printf(level, "hookcast-broker-plugin: %s", message);
}

int hookcast_fix_mmap_threshold(int bytes)
{
#ifdef __GLIBC__
    return mallopt(M_MMAP_THRESHOLD, bytes);
#else
    (void)bytes;
    return 0;
#endif
}
