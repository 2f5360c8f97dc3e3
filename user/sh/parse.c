/* The shell's parser: words with '...', "..." and \ quoting, $NAME, ${NAME}, $? and $$ expanded
 * (not inside '...'), redirections, pipes and the separators ; & && ||. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

typedef struct buf {
    char *s;
    size_t len, cap;
} buf_t;

static void put(buf_t *b, char c)
{
    if (b->len + 2 > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 32;
        b->s = realloc(b->s, b->cap);
    }
    b->s[b->len++] = c;
    b->s[b->len] = 0;
}

static void puts_buf(buf_t *b, const char *s)
{
    while (s && *s)
        put(b, *s++);
}

/* Expands the variable reference after a '$' at *p into b. */
static void expand(const char **p, buf_t *b)
{
    char name[64];
    size_t n = 0;
    const char *s = *p;
    if (*s == '?' || *s == '$') {
        char num[16];
        snprintf(num, sizeof(num), "%d", *s == '?' ? sh_status : (int)getpid());
        puts_buf(b, num);
        *p = s + 1;
        return;
    }
    bool brace = *s == '{';
    if (brace)
        s++;
    while ((isalnum((unsigned char)*s) || *s == '_') && n < sizeof(name) - 1)
        name[n++] = *s++;
    name[n] = 0;
    if (brace && *s == '}')
        s++;
    if (n == 0 && !brace) {
        put(b, '$');
    } else {
        puts_buf(b, sh_getvar(name));
    }
    *p = s;
}

/* Reads one word at *p into a new string; NULL when none is there. */
static char *word(const char **p, bool *err)
{
    buf_t b = {0};
    const char *s = *p;
    bool any = false;
    while (*s && !strchr(" \t\n;&|<>", *s)) {
        any = true;
        if (*s == '\'') {
            const char *e = strchr(s + 1, '\'');
            if (!e) {
                *err = true;
                break;
            }
            for (s++; s < e; s++)
                put(&b, *s);
            s++;
        } else if (*s == '"') {
            for (s++; *s && *s != '"'; s++) {
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\' || s[1] == '$'))
                    put(&b, *++s);
                else if (*s == '$') {
                    s++;
                    expand(&s, &b);
                    s--;
                } else
                    put(&b, *s);
            }
            if (*s != '"') {
                *err = true;
                break;
            }
            s++;
        } else if (*s == '\\' && s[1]) {
            put(&b, s[1]);
            s += 2;
        } else if (*s == '$') {
            s++;
            expand(&s, &b);
        } else {
            put(&b, *s++);
        }
    }
    *p = s;
    if (any && b.s == NULL)
        b.s = strdup("");
    return b.s;
}

static void skip_space(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

/* Parses a redirection at *p (after an optional digit), or returns false if none is there. */
static bool redirection(const char **p, command_t *c, bool *err)
{
    const char *s = *p;
    int fd = -1;
    if (isdigit((unsigned char)*s) && (s[1] == '>' || s[1] == '<'))
        fd = *s++ - '0';
    if (*s != '<' && *s != '>')
        return false;
    if (c->nredir == SH_REDIRS) {
        *err = true;
        return true;
    }
    redir_t *r = &c->redir[c->nredir++];
    *r = (redir_t){.fd = fd};
    if (*s == '<') {
        r->kind = R_IN;
        r->fd = fd < 0 ? 0 : fd;
        s++;
    } else if (s[1] == '>') {
        r->kind = R_APPEND;
        s += 2;
    } else if (s[1] == '&') {
        r->kind = R_DUP;
        s += 2;
        if (!isdigit((unsigned char)*s)) {
            *err = true;
            return true;
        }
        r->dup_from = *s++ - '0';
    } else {
        r->kind = R_OUT;
        s++;
    }
    if (r->fd < 0)
        r->fd = 1;
    if (r->kind != R_DUP) {
        skip_space(&s);
        r->path = word(&s, err);
        if (r->path == NULL)
            *err = true;
    }
    *p = s;
    return true;
}

pipeline_t *sh_parse(const char **line, bool *empty)
{
    pipeline_t *head = NULL, **tail = &head, *pl = NULL;
    const char *p = *line;
    bool err = false;
    command_t *c = NULL;
    *empty = false;
    for (;;) {
        skip_space(&p);
        if (*p == '#')
            while (*p && *p != '\n')
                p++;
        if (pl == NULL && *p && *p != '\n' && *p != ';') {
            pl = calloc(1, sizeof(*pl));
            pl->ncmd = 1;
            pl->sep = ';';
            c = &pl->cmd[0];
            *tail = pl;
            tail = &pl->next;
        }
        if (*p == 0 || *p == '\n' || *p == ';' || *p == '&') {
            char sep = *p == '&' ? (p[1] == '&' ? 'a' : '&') : ';';
            if (pl && c->argc == 0 && c->nredir == 0)
                err = true; /* an empty command before a separator */
            if (pl)
                pl->sep = sep;
            if (*p == 0)
                break;
            p += sep == 'a' ? 2 : 1;
            if (sep == 'a' && pl == NULL)
                err = true;
            if (pl != NULL)
                break; /* one pipeline at a time: the next is expanded when it runs ($?) */
            continue;
        }
        if (*p == '|') {
            if (pl == NULL) {
                err = true;
                break;
            }
            if (p[1] == '|') {
                if (c->argc == 0)
                    err = true;
                pl->sep = 'o';
                p += 2;
                break;
            }
            if (c->argc == 0 || pl->ncmd == SH_CMDS) {
                err = true;
                break;
            }
            c = &pl->cmd[pl->ncmd++];
            p++;
            continue;
        }
        if (redirection(&p, c, &err)) {
            if (err)
                break;
            continue;
        }
        char *w = word(&p, &err);
        if (err || w == NULL) {
            free(w);
            err = true;
            break;
        }
        if (c->argc == SH_WORDS) {
            free(w);
            err = true;
            break;
        }
        c->argv[c->argc++] = w;
    }
    if (err) {
        fprintf(stderr, "sh: syntax error\n");
        sh_free(head);
        return NULL;
    }
    if (head == NULL)
        *empty = true;
    *line = p;
    return head;
}

void sh_free(pipeline_t *p)
{
    while (p) {
        pipeline_t *next = p->next;
        for (int i = 0; i < p->ncmd; i++) {
            for (int k = 0; k < p->cmd[i].argc; k++)
                free(p->cmd[i].argv[k]);
            for (int k = 0; k < p->cmd[i].nredir; k++)
                free(p->cmd[i].redir[k].path);
        }
        free(p);
        p = next;
    }
}
