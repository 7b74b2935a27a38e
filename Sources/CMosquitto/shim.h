#ifndef HOOKCAST_CMOSQUITTO_SHIM_H
#define HOOKCAST_CMOSQUITTO_SHIM_H

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
/* MQTTClientPool drives many clients from one thread with epoll, woken by an eventfd. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
#include <mosquitto.h>
#include <mqtt_protocol.h>

/* errno is a macro over a thread-local; Swift cannot read it directly on every platform. */
static inline int cmosquitto_errno(void) { return errno; }

#endif
