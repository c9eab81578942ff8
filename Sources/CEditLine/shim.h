// libedit's readline-compatible interface (never GNU readline's header).
#include <stdio.h>
#include <editline/readline.h>
