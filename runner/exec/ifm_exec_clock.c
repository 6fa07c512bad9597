/* ifm_exec_clock.c: the executor's monotonic clock (ifm_now_ms, ifm_exec.h),
 * a file of its own: the loop (ifm_exec.c), the HTTP/2 engine
 * (ifm_h2_race*.c), the groups that join them (ifm_exec_h2.c) and the
 * own-socket wires (ifm_wire.c) all read
 * it, and none of them need call into another for the time. */
#include <time.h>
#include "ifm_exec.h"

double ifm_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
