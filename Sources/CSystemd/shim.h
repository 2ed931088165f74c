// libsystemd's daemon and journal interfaces (Debian: libsystemd-dev). Only RPCDSystem imports
// this module. The variadic sd_notifyf and sd_journal_send are not callable from Swift; RPCDSystem
// uses sd_notify and sd_journal_sendv instead.
#ifndef RPCD_CSYSTEMD_SHIM_H
#define RPCD_CSYSTEMD_SHIM_H

#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#endif
