/* The shell's private header: the parsed command line and the shell's state. */
#ifndef XR_USER_SH_H
#define XR_USER_SH_H

#include <stdbool.h>
#include <sys/types.h>

#define SH_WORDS  64 /* words in one command */
#define SH_CMDS   16 /* commands in one pipeline */
#define SH_REDIRS 8

enum redir_kind { R_IN, R_OUT, R_APPEND, R_DUP }; /* <, >, >>, N>&M */

typedef struct redir {
    int fd; /* the descriptor redirected */
    enum redir_kind kind;
    int dup_from; /* R_DUP: the source descriptor */
    char *path;
} redir_t;

typedef struct command {
    int argc;
    char *argv[SH_WORDS + 1];
    int nredir;
    redir_t redir[SH_REDIRS];
} command_t;

/* A pipeline, and how it joins the next one: ';' (or a newline), '&', "&&" or "||". */
typedef struct pipeline {
    int ncmd;
    command_t cmd[SH_CMDS];
    char sep; /* ';', '&', 'a' (&&), 'o' (||) */
    struct pipeline *next;
} pipeline_t;

/* Parses the first pipeline of *line (variables expanded now, quotes removed) and advances
 * *line past it and its separator; NULL with a message on stderr for a syntax error, or when
 * nothing is left (then *empty is set). */
pipeline_t *sh_parse(const char **line, bool *empty);
void sh_free(pipeline_t *p);

/* Variables: the shell's own and the exported ones (the environment of every command). */
const char *sh_getvar(const char *name);
void sh_setvar(const char *name, const char *value, bool export_it);

extern int sh_status; /* $? */

#endif
