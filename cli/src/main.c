/* main.c: the spoor executable. */
#include "cli.h"

int main(int argc, char **argv) { return spoor_cli_main(argc, argv); }
