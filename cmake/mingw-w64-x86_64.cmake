# Cross-build for 64-bit Windows with mingw-w64 on Linux.  CTest runs the
# Windows programs under Wine (CMAKE_CROSSCOMPILING_EMULATOR).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(EPG_TOOLCHAIN_PREFIX x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${EPG_TOOLCHAIN_PREFIX}-gcc)
set(CMAKE_RC_COMPILER ${EPG_TOOLCHAIN_PREFIX}-windres)
set(CMAKE_MC_COMPILER ${EPG_TOOLCHAIN_PREFIX}-windmc)

set(CMAKE_FIND_ROOT_PATH /usr/${EPG_TOOLCHAIN_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# Debian's wine64 loader lives outside PATH; calling it directly also avoids
# the "wine32 is missing" notice of the /usr/bin/wine wrapper.
find_program(EPG_WINE NAMES wine64 wine PATHS /usr/lib/wine /usr/lib64/wine)
if(EPG_WINE)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${EPG_WINE})
endif()
