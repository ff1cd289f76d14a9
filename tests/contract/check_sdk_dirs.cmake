# cmake -DSOURCE=<tree> -DWORK=<scratch dir> -P check_sdk_dirs.cmake
#
# epg_sdk_bin_dirs (cmake/EpgWindowsSdk.cmake) on a made-up Windows SDK
# tree: the Developer Prompt's SDK first, then the generator's target SDK,
# then every installed one newest first (10.0.22621 before 10.0.19041 before
# 10.0.17763, compared as versions, not as text), each once.
include(${SOURCE}/cmake/EpgWindowsSdk.cmake)
set(kits "${WORK}/Program Files (x86)/Windows Kits/10/bin")
file(REMOVE_RECURSE "${WORK}")
foreach(v 10.0.17763.0 10.0.19041.0 10.0.22621.0 10.0.9200.0)
    file(MAKE_DIRECTORY "${kits}/${v}/x64")
endforeach()
set(pf86 "ProgramFiles(x86)")
set(ENV{${pf86}} "${WORK}/Program Files (x86)")
unset(ENV{WindowsSdkVerBinPath})

set(failures 0)
macro(expect what got want)
    if("${got}" STREQUAL "${want}")
        message(STATUS "  ok   ${what}")
    else()
        message(STATUS "  FAIL ${what}\n      got:  ${got}\n      want: ${want}")
        math(EXPR failures "${failures} + 1")
    endif()
endmacro()

epg_sdk_bin_dirs(dirs "")
expect("installed SDKs, newest version first"
       "${dirs}" "${kits}/10.0.22621.0/x64;${kits}/10.0.19041.0/x64;${kits}/10.0.17763.0/x64;${kits}/10.0.9200.0/x64")

epg_sdk_bin_dirs(dirs "10.0.19041.0")
expect("the generator's target SDK first, then the rest, each once"
       "${dirs}" "${kits}/10.0.19041.0/x64;${kits}/10.0.22621.0/x64;${kits}/10.0.17763.0/x64;${kits}/10.0.9200.0/x64")

# The prompt's variable ends with a backslash and uses backslashes.
string(REPLACE "/" "\\" prompt "${kits}/10.0.17763.0/")
set(ENV{WindowsSdkVerBinPath} "${prompt}")
epg_sdk_bin_dirs(dirs "10.0.19041.0")
list(GET dirs 0 first)
expect("the Developer Prompt's SDK first, as a CMake path" "${first}" "${kits}/10.0.17763.0/x64")

if(failures GREATER 0)
    message(FATAL_ERROR "sdk dirs: ${failures} failure(s)")
endif()
message(STATUS "sdk dirs: all checks passed")
