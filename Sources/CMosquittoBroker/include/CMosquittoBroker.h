#ifndef HOOKCAST_CMOSQUITTOBROKER_H
#define HOOKCAST_CMOSQUITTOBROKER_H

// mosquitto's plugin API (version 5, mosquitto 2.0), from Debian's mosquitto-dev. The broker that loads the plugin
// defines every mosquitto_* function; nothing here is linked.
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <mqtt_protocol.h>

/// Logs `message` through the broker's log at `level` (MOSQ_LOG_*). Swift cannot call the variadic
/// mosquitto_log_printf, and passing the message as an argument (never as the format) keeps a '%' in it inert.
void hookcast_broker_log(int level, const char *message);

#endif
