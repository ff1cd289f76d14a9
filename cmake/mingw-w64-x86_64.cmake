# Cross-build for 64-bit Windows with mingw-w64 on Linux.  CTest runs the
# Windows programs under Wine (CMAKE_CROSSCOMPILING_EMULATOR).
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(EPG_TOOLCHAIN_PREFIX x86_64-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64.cmake)

# Debian's wine64 loader lives outside PATH; calling it directly also avoids
# the "wine32 is missing" notice of the /usr/bin/wine wrapper.
find_program(EPG_WINE NAMES wine64 wine PATHS /usr/lib/wine /usr/lib64/wine)
if(EPG_WINE)
    set(CMAKE_CROSSCOMPILING_EMULATOR ${EPG_WINE})
endif()
