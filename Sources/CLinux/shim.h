// Linux interfaces Glibc's Swift module does not expose: signalfd, prctl.
#ifndef RPCD_CLINUX_SHIM_H
#define RPCD_CLINUX_SHIM_H

#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>

#endif
