// The few things tx needs that Swift cannot express safely: an
// async-signal-safe SIGINT flag, and spawning a child on a pseudo-terminal.
#ifndef TX_CSUPPORT_H
#define TX_CSUPPORT_H
#include <sys/types.h>
#include <signal.h>

/// Installs a SIGINT handler (sigaction, no SA_RESTART) that sets a flag.
void tx_install_sigint_handler(void);

/// Keeps freed memory in the process instead of handing large blocks back to
/// the kernel after every use: training allocates the same tens-of-megabyte
/// buffers every mini-batch, and fresh pages cost a fault and a zero-fill
/// each (measured: 10x fewer page faults, 25% less CPU per CNN epoch).
void tx_configure_malloc(void);
/// Restores the default SIGINT action (the process dies on Ctrl-C).
void tx_default_sigint(void);
/// Nonzero once SIGINT arrived since the last clear.
int tx_interrupt_pending(void);
/// The flag itself, for a fast poll (a volatile load).
volatile int *_Nonnull tx_interrupt_flag(void);
/// The flag's storage, read by `tx_interrupt_requested` below.
extern volatile sig_atomic_t tx_interrupt_state;
/// Nonzero once SIGINT arrived: inlined into the interpreter's hot loops
/// (a load, with no call and no lazy global to initialise).
static inline int tx_interrupt_requested(void) { return tx_interrupt_state != 0; }
/// Clears the SIGINT flag.
void tx_clear_interrupt(void);
/// Sets the flag by hand (tests, or a callback asking to stop).
void tx_raise_interrupt(void);

/// Blocks SIGINT in the calling thread, so it is delivered to the others
/// (the interpreter thread, whose blocking reads it must interrupt).
void tx_block_sigint_in_this_thread(void);

/// Forks a child whose controlling terminal is a new pseudo-terminal, and
/// execs `path` with `argv` (NULL-terminated) and `envp` there. Returns the
/// child's pid (or -1) and the master side's fd in *master_fd.
pid_t tx_spawn_on_pty(const char *path, char *const argv[], char *const envp[],
                      int *master_fd);

#endif
