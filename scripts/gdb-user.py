# GDB helper for debugging one user program (scripts/debug --user PROGRAM sources it).
# Every user program is linked at the same addresses, and the kernel names every process it
# creates for user space "child", so a breakpoint in PROGRAM must tell PROGRAM apart from the
# others at run time: "ubreak FUNC" sets a hardware breakpoint at FUNC (hardware: it needs no
# write into an address space that may not exist yet) whose condition compares the code at
# the breakpoint, in the address space that hit it, with PROGRAM's file.
import struct

import gdb


def file_bytes(path, addr, n):
    """The n bytes PROGRAM's ELF file loads at addr (from its PT_LOAD segments), or None."""
    with open(path, "rb") as f:
        elf = f.read()
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", elf, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= addr and addr + n <= p_vaddr + p_filesz:
            start = p_offset + addr - p_vaddr
            return elf[start:start + n]
    return None


class UBreak(gdb.Command):
    """ubreak LOCATION: stop at LOCATION of the user program loaded by scripts/debug --user,
    in that program only (a hardware breakpoint, conditional on the program's code)."""

    def __init__(self):
        super().__init__("ubreak", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        path = gdb.parameter("xr-user-program")
        bp = gdb.Breakpoint(arg, type=gdb.BP_HARDWARE_BREAKPOINT)
        addr = bp.locations[0].address
        code = file_bytes(path, addr, 16)
        if code is None:
            raise gdb.GdbError("ubreak: %s (%#x) is not in %s" % (arg, addr, path))
        a, b = struct.unpack("<QQ", code)
        bp.condition = ("*(unsigned long long *)%#x == %#x && *(unsigned long long *)%#x == %#x"
                        % (addr, a, addr + 8, b))


class UserProgram(gdb.Parameter):
    """The ELF file of the user program that ubreak stops in."""
    set_doc = "Set the user program's ELF file for ubreak."
    show_doc = "Show the user program's ELF file for ubreak."

    def __init__(self):
        super().__init__("xr-user-program", gdb.COMMAND_DATA, gdb.PARAM_FILENAME)
        self.value = ""


UserProgram()
UBreak()
