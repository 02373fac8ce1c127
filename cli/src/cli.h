/* cli.h: the spoor command's entry point and what its parts share.
 *
 * spoor_cli_main is the whole command; main.c calls it, and so does the Python
 * package's console script (through its cffi extension, which compiles these
 * sources too), so there is one implementation. It is not part of libspoor's
 * public API. */
#ifndef SPOOR_CLI_H
#define SPOOR_CLI_H

#include <spoor.h>

/* Exit codes (sysexits.h's, where one fits; docs/cli.md lists them). */
enum {
    CLI_EXIT_OK = 0,             /* delivered */
    CLI_EXIT_USAGE = 64,         /* a wrong option or argument */
    CLI_EXIT_INVALID = 65,       /* an event (or an import's line) refused as invalid */
    CLI_EXIT_NOINPUT = 66,       /* the file to import cannot be opened */
    CLI_EXIT_UNAVAILABLE = 69,   /* delivery failed */
    CLI_EXIT_SOFTWARE = 70,      /* out of memory, a system call failed */
    CLI_EXIT_IOERR = 74,         /* cannot write the rejects file or the import's state */
    CLI_EXIT_TEMPFAIL = 75,      /* not delivered yet, kept in the spool for the next run */
    CLI_EXIT_CONFIG = 78,        /* a setting is missing or wrong */
    CLI_EXIT_INTERRUPTED = 130   /* SIGINT or SIGTERM */
};

/* Run the command line argv[0..argc) (argv[0] is the program) and return its exit code. */
int spoor_cli_main(int argc, char **argv);

#endif
