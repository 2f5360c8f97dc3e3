# GDB's own checks of the kernel's GDB stub, run by scripts/test-gdb through scripts/debug
# (gdb -batch -x tests/gdb/checks.py, attached to the stub with gdb=wait, hello's symbols
# loaded). Prints "ok gdb/NAME" or "not ok gdb/NAME: why" per check, then "N passed, N failed".
import os
import time

import gdb

results = {"passed": 0, "failed": 0}
stops = []  # the signal of every stop GDB reported (gdb.SignalEvent), last last


def on_stop(event):
    if isinstance(event, gdb.SignalEvent):
        stops.append(event.stop_signal)


gdb.events.stop.connect(on_stop)


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def value(expr):
    return int(gdb.parse_and_eval(expr)) & 0xFFFFFFFFFFFFFFFF


def check(name, fn):
    try:
        why = fn()
    except Exception as e:  # a GDB error fails this check only
        why = "error: %s" % e
    if why is None or why is True:
        results["passed"] += 1
        print("ok gdb/%s" % name)
    else:
        results["failed"] += 1
        print("not ok gdb/%s: %s" % (name, why))


def attached_at_boot():
    frames = run("bt")
    return None if "gdb_init" in frames else "not stopped in gdb_init: %s" % frames


def break_kernel_function():
    run("break *initproc_start")
    run("continue")
    pc, sym = value("$pc"), value("(long)&initproc_start")
    return None if pc == sym else "pc %x, initproc_start at %x" % (pc, sym)


def backtrace():
    frames = run("bt")
    return None if "kmain" in frames and "initproc_start" in frames else frames


def read_global():
    cmd = run("p kboot.cmdline")
    if "gdb=wait" not in cmd:
        return "kboot.cmdline: %s" % cmd
    return None if value("kconfig.gdb") == 2 else "kconfig.gdb != 2 (GDB_WAIT)"


def single_step():
    before = value("$pc")
    run("stepi")
    after = value("$pc")
    run("delete")
    return None if after != before and after - before < 16 else "pc %x -> %x" % (before, after)


def write_register_and_memory():
    # a scratch write the kernel never reads back: the top of the red-zone-free stack below rsp
    run("set var $old = *(long *)($sp - 64)")
    run("set var *(long *)($sp - 64) = 0x1122334455667788")
    ok = value("*(long *)($sp - 64)") == 0x1122334455667788
    run("set var *(long *)($sp - 64) = $old")
    return None if ok else "memory write not read back"


def bad_memory_is_an_error():
    try:
        run("x/g 0x1000")  # the null guard: never mapped
    except gdb.MemoryError:
        return None
    except gdb.error as e:
        return None if "Cannot access memory" in str(e) else str(e)
    return "read of 0x1000 succeeded"


def watchpoint():
    # init_process is written once, when initproc_start has built init
    out = run("watch -l 'initproc.c'::init_process")
    if "Hardware watchpoint" not in out:
        return "not a hardware watchpoint: %s" % out
    run("continue")
    frame = run("bt 2")
    ok = value("'initproc.c'::init_process") != 0 and "build_init" in frame
    run("delete")
    return None if ok else "stopped at: %s" % frame


def threads():
    out = run("info threads")
    return None if "init" in out else out


def monitor():
    out = run("monitor procs")
    return None if "init" in out and "quota" in out else out


def user_main():
    run("ubreak main")
    out = run("continue")
    pc, sym = value("$pc"), value("(long)&main")
    frame = run("bt 1")
    if not (sym <= pc < sym + 64 and "main" in frame):
        return "stopped at %x (main %x): %s" % (pc, sym, out)
    return None if value("$cs") & 3 == 3 else "not in user mode"


def user_local():
    run("next")  # past the greeting
    out = run("info locals") + run("p $rsp")
    heap = run("p heap")
    run("delete")
    return None if "0x10000000" in heap else out + heap


def ctrl_c():
    gdb.execute("shell (sleep 2; kill -INT $PPID) &")  # as if Ctrl-C were typed
    run("continue")
    return None if stops and stops[-1] == "SIGINT" else "stops: %s" % stops


def serial_text():
    with open(os.environ["XR_DEBUG_SERIAL"], errors="replace") as f:
        return f.read()


def detach_runs_on():
    before = value("'sched.c'::ticks")
    booted = "fs: serving" in serial_text()
    run("detach")
    time.sleep(2)
    if os.environ.get("XR_DEBUG_MODE") == "bochs":
        # Bochs's socket takes one connection: watch the console for the rest of the boot
        if booted:
            return None  # nothing left to print; the detach itself answered
        for _ in range(120):
            if "fs: serving" in serial_text():
                return None
            time.sleep(1)
        return "the boot did not go on after the detach"
    # attaching to the running kernel: GDB's first packet stops it
    run("target remote localhost:%s" % os.environ["XR_DEBUG_PORT"])
    after = value("'sched.c'::ticks")
    run("detach")
    return None if after > before + 20 else "ticks %d -> %d" % (before, after)


for name, fn in [
    ("attached_at_boot", attached_at_boot),
    ("break_kernel_function", break_kernel_function),
    ("backtrace", backtrace),
    ("read_global", read_global),
    ("single_step", single_step),
    ("write_memory", write_register_and_memory),
    ("bad_memory_is_an_error", bad_memory_is_an_error),
    ("watchpoint", watchpoint),
    ("user_main", user_main),
    ("user_local", user_local),
    ("threads", threads),
    ("monitor", monitor),
    ("ctrl_c", ctrl_c),
    ("detach_runs_on", detach_runs_on),
]:
    check(name, fn)
print("%d passed, %d failed" % (results["passed"], results["failed"]))
