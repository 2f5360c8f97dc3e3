/* The modes of the child program (user/child/child.c), shared with init's tests that run
 * it: the argument the child starts with picks one. */
#ifndef USER_CHILD_MODES_H
#define USER_CHILD_MODES_H

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
    CHILD_ECHO,   /* an IPC server on slot 5: replies with every word + 1; label 99 ends it */
    CHILD_CALLER, /* calls slot 5 once, then exits with the first reply word */
    CHILD_HOLD,   /* receives one call on slot 5 and never answers */
    CHILD_TOUCH,  /* writes 0x55 at 0x10000000 (unmapped: a fault handler must map it) */
    CHILD_HEAP,   /* uses 64 KiB of heap at 0x10000000 and 256 KiB of stack, then exits 0 */
    /* Channel tests (user/init/tests_chan.c): init maps the channel at CHAN_VA (and the reply
     * channel at CHAN_VA2) and gives notifications in slots 6, 7 (and 8, 9). Bits 8..39 of
     * the argument: a count; bit 40: fault (ud2) at the end instead of exiting. */
    CHILD_SHM,          /* reads the word at CHAN_VA, writes it + 1 at CHAN_VA + 8 */
    CHILD_CHAN_PRODUCE, /* sends count 16-byte messages {i, i ^ CHAN_MIX} in batches, closes */
    CHILD_CHAN_CONSUME, /* receives count such messages, checking them (exit 1 if wrong) */
    CHILD_CHAN_HOSTILE, /* writes count random words all over the channel */
    CHILD_RPC,          /* an RPC server on endpoint slot 5, then on the channel pair */
};

#endif
