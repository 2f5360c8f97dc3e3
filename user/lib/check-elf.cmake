# Post-link check of a user program (cmake -DREADELF=... -DFILE=... -P check-elf.cmake): a static
# ET_EXEC without INTERP or DYNAMIC whose LOAD segments are in address order, above page 0, apart
# from each other and never both writable and executable, as elf_parse and the kernel require.
# Works with GNU readelf and llvm-readelf (same -lhW layout).
execute_process(COMMAND ${READELF} -lhW ${FILE}
    OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${FILE}: ${READELF} failed")
endif()
if(NOT out MATCHES "Type:[ ]+EXEC ")
    message(FATAL_ERROR "${FILE}: not an ET_EXEC executable")
endif()
if(out MATCHES "\n[ ]+(INTERP|DYNAMIC) ")
    message(FATAL_ERROR "${FILE}: has an INTERP or DYNAMIC segment (not static)")
endif()
if(out MATCHES "\n[ ]+LOAD +0x[0-9a-f]+ 0x0+ ")
    message(FATAL_ERROR "${FILE}: a LOAD segment at address 0 (an empty section lost its place?)")
endif()
# The LOAD segments in address order, none sharing a page with the one before (elf_parse refuses
# overlaps). Fields: LOAD offset vaddr paddr filesz memsz flags... align.
set(end 0)
string(REGEX MATCHALL "\n[ ]+LOAD [^\n]*" loads "${out}")
foreach(line IN LISTS loads)
    string(STRIP "${line}" line)
    string(REGEX REPLACE " +" ";" fields "${line}")
    list(GET fields 2 vaddr)
    list(GET fields 5 memsz)
    math(EXPR first "${vaddr} & ~0xfff")
    if(first LESS end)
        message(FATAL_ERROR "${FILE}: LOAD segment at ${vaddr} overlaps or precedes the one before")
    endif()
    math(EXPR end "(${vaddr} + ${memsz} + 0xfff) & ~0xfff")
endforeach()
# In the flags column a writable and executable segment reads "RWE" (or " WE").
if(out MATCHES "\n[ ]+LOAD [^\n]* [R ]WE ")
    message(FATAL_ERROR "${FILE}: a LOAD segment is both writable and executable (W^X)")
endif()
