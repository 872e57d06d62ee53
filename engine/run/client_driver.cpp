// sdb_client_drive: hands a client's results to a native driver until it is done.
#include "run/client_driver.h"

#include "run/client.h"

extern "C" void sdb_client_drive(sdb_client *cl, int32_t (*fn)(void *arg), void *arg) {
  cl->driver = fn;
  cl->driver_arg = arg;
}
