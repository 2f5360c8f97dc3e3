/* x-realism's minimal <sys/termios.h> (newlib has none for a bare target): the modes the console
 * server knows (canonical input, echo, the interrupt key) behind tcgetattr and tcsetattr. */
#ifndef _SYS_TERMIOS_H
#define _SYS_TERMIOS_H

typedef unsigned int tcflag_t;
typedef unsigned char cc_t;
typedef unsigned int speed_t;

#define NCCS   8
#define VINTR  0
#define VEOF   1
#define VERASE 2
#define VMIN   3
#define VTIME  4

/* c_lflag */
#define ISIG   0x01
#define ICANON 0x02
#define ECHO   0x08

/* c_iflag, c_oflag, c_cflag: accepted and kept, not acted on */
#define ICRNL 0x100
#define OPOST 0x01
#define CS8   0x30

#define TCSANOW   0
#define TCSADRAIN 1
#define TCSAFLUSH 2

struct termios {
    tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
    cc_t c_cc[NCCS];
};

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int when, const struct termios *t);

#endif
