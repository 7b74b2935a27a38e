#include "CMosquittoBroker.h"

void hookcast_broker_log(int level, const char *message)
{
    mosquitto_log_printf(level, "hookcast-broker-plugin: %s", message);
}
