#include "CSupport.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <pty.h>
#include <pthread.h>

volatile sig_atomic_t tx_interrupt_state = 0;

volatile int *_Nonnull tx_interrupt_flag(void) { return (volatile int *)&tx_interrupt_state; }

static void on_sigint(int signo) { (void)signo; tx_interrupt_state = 1; }

void tx_install_sigint_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR
    sigaction(SIGINT, &sa, NULL);
    // A parent may have left SIGINT blocked (the mask survives exec).
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

void tx_default_sigint(void) { signal(SIGINT, SIG_DFL); }
int tx_interrupt_pending(void) { return tx_interrupt_state != 0; }
void tx_clear_interrupt(void) { tx_interrupt_state = 0; }
void tx_raise_interrupt(void) { tx_interrupt_state = 1; }

void tx_block_sigint_in_this_thread(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

pid_t tx_spawn_on_pty(const char *path, char *const argv[], char *const envp[],
                      int *master_fd) {
    int master = -1;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGINT, SIG_DFL);
        execve(path, argv, envp);
        _exit(127);
    }
    *master_fd = master;
    return pid;
}

#include <malloc.h>

void tx_configure_malloc(void) {
    mallopt(M_MMAP_THRESHOLD, 1 << 30);   // serve big blocks from the heap, not fresh mmaps
    mallopt(M_TRIM_THRESHOLD, 1 << 30);   // keep up to 1 GiB of freed heap for reuse
    mallopt(M_ARENA_MAX, 1);              // one heap: other arenas are 64 MiB heaps that big blocks outgrow
}
