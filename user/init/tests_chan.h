/* What the two files of channel tests share (tests_chan.c, tests_chan_peers.c): the
 * geometry, init's views and slots, and the helpers that make and unmake a channel. */
#ifndef USER_INIT_TESTS_CHAN_H
#define USER_INIT_TESTS_CHAN_H

#include "chan.h"
#include "user/child/child_modes.h"
#include "utest.h"

/* The child's channel geometry (child_modes.h), which init's ends use too. */
#define SLOTS CHILD_CHAN_SLOTS
#define POOL  CHILD_CHAN_POOL
#define MIX   CHILD_CHAN_MIX

/* init's views: 16 MiB apart, so every view has unmapped pages on both sides. */
#define VIEW(i) (0x70000000ul + (uint64_t)(i)*0x1000000ul)

#define MEM     120 /* slots of the chan/ tests: 120..139 */
#define MEM2    121
#define RXN     122 /* channel A: receiver's notification */
#define TXN     123 /* channel A: producers' notification */
#define RXN2    124
#define TXN2    125
#define EPR     126
#define SCRATCH 127
#define T0      UT_SLOT_THREADS

extern uint64_t chan_test_pages; /* of one channel */
/* The kernel's accounting when the chan/ tests began (chan/memory_create_rights), which
 * chan/leak_nothing, the last, compares against. */
extern volatile uint64_t chan_frames_before, chan_objects_before;

/* A channel's memory object in MEM mapped at VIEW(view) in init, and its notifications
 * (after cleaning up whatever a failed test left). */
long chan_make(unsigned view);
/* Unmap a view page by page (XR_ENOENT for pages already gone is fine). */
void unview(unsigned view);
void chan_unmake(unsigned view);
/* The child in mode with the channel of MEM (and MEM2, if there is one), the notifications
 * the tests made (RXN..TXN2, those that exist) and ep (if not 0): ut_child_start. */
long chan_child_start(uint64_t mode, xr_cap_t ep, unsigned prio);

#endif
