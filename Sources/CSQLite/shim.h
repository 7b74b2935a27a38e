#ifndef HOOKCAST_CSQLITE_SHIM_H
#define HOOKCAST_CSQLITE_SHIM_H

#include <sqlite3.h>

/* SQLITE_TRANSIENT is a cast of -1 to a function pointer, a macro Swift cannot import: text and blobs bound with
   it are copied by SQLite before the bind call returns, so Swift's buffers need not outlive the call. */
static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

/* sqlite3_config is variadic, which Swift cannot call. Memory statistics make every allocation SQLite makes take a
   process-wide mutex, connections opened without a mutex of their own included, and nothing here reads them. Only
   takes effect before SQLite initializes (SQLITE_MISUSE after). */
static inline int csqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

#endif
