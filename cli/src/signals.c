/* signals.c: SIGINT and SIGTERM while an import runs (commands.h). */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

static volatile sig_atomic_t interrupted;
static struct sigaction old_int, old_term;
static int installed;

static void on_signal(int sig) {
    (void)sig;
    if (interrupted) { /* the second: now (what a spool holds stays there) */
        static const char msg[] = "\nspoor: interrupted again: exiting now\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(CLI_EXIT_INTERRUPTED);
    }
    interrupted = 1;
}

void cli_signals_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    installed = 1;
}

void cli_signals_restore(void) {
    if (!installed) return;
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    installed = 0;
}

int cli_interrupted(void) { return interrupted != 0; }
