/* The modes of the child program (user/child/child.c), shared with init's tests that run
 * it: the argument the child starts with picks one. Its slots are in include/xr/slots.h
 * (XR_CHILD_SLOT_*); its addresses and channel geometry are here. */
#ifndef USER_CHILD_MODES_H
#define USER_CHILD_MODES_H

#define CHILD_QUOTA      128                  /* frames, when a test does not need another quota */
#define CHILD_IPCBUF     0x300000ul           /* mapped and registered by the test before it runs */
#define CHILD_HEAP_BASE  0x10000000ul         /* where CHILD_TOUCH and CHILD_HEAP write */
#define CHILD_CHAN_VA    0x20000000ul         /* the channel of the channel modes */
#define CHILD_CHAN_VA2   0x21000000ul         /* the RPC mode's reply channel */
#define CHILD_CHAN_SLOTS 256                  /* ring slots of each channel */
#define CHILD_CHAN_POOL  8                    /* pool pages of each channel */
#define CHILD_CHAN_MIX   0x9e3779b97f4a7c15ul /* message {i, i ^ MIX} of the channel modes */

/* The argument of the channel modes: the mode, a count in bits 8..39, and bit 40 (crash): fault
 * (ud2) at the end instead of exiting. */
#define CHILD_ARG(mode, n) ((uint64_t)(mode) | (uint64_t)(n) << 8)
#define CHILD_ARG_COUNT(a) (((a) >> 8) & 0xffffffffu)
#define CHILD_ARG_CRASH    (1ul << 40)

enum child_mode {
    CHILD_READ_KERNEL = 1,
    CHILD_WRITE_KERNEL,
    CHILD_EXEC_STACK,
    CHILD_PRIVILEGED,
    CHILD_DIVIDE,
    CHILD_INVALID_OPCODE,
    CHILD_NULL,
    CHILD_WRITE_TEXT,
    CHILD_EXIT_42,
    CHILD_SPIN,
    CHILD_PORT_IO,
    CHILD_NONCANONICAL,
    CHILD_FUZZ,   /* arg bits 8..: the seed */
    CHILD_ECHO,   /* xr_echo_serve on slot 5 (every word + 1); label XR_ECHO_STOP ends it */
    CHILD_CALLER, /* calls slot 5 once, then exits with the first reply word */
    CHILD_HOLD,   /* receives one call on slot 5 and never answers */
    CHILD_TOUCH,  /* writes 0x55 at 0x10000000 (unmapped: a fault handler must map it) */
    CHILD_HEAP,   /* uses 64 KiB of heap at 0x10000000 and 256 KiB of stack, then exits 0 */
    /* Channel tests (user/init/tests_chan.c, tests_chan_peers.c): init maps the channel at
     * CHILD_CHAN_VA (and the reply channel at CHILD_CHAN_VA2) and gives notifications in slots 6, 7
     * (and 8, 9). The argument: CHILD_ARG(mode, count), | CHILD_ARG_CRASH. */
    CHILD_SHM,          /* reads the word at CHILD_CHAN_VA, writes it + 1 8 bytes further */
    CHILD_CHAN_PRODUCE, /* sends count 16-byte messages {i, i ^ CHAN_MIX} in batches, closes */
    CHILD_CHAN_CONSUME, /* receives count such messages, checking them (exit 1 if wrong) */
    CHILD_CHAN_HOSTILE, /* writes count random words all over the channel */
    CHILD_RPC,          /* an RPC server on endpoint slot 5, then on the channel pair */
};

#endif
