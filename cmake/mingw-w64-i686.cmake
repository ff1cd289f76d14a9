# Cross-build for 32-bit Windows (Exchange 2003 runs on 32-bit Windows Server
# 2003).  Nothing is run: a 32-bit Wine needs the i386 architecture, which
# does not install cleanly on the build machines (wine-notes.md item 10).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86)
set(EPG_TOOLCHAIN_PREFIX i686-w64-mingw32)

set(CMAKE_C_COMPILER ${EPG_TOOLCHAIN_PREFIX}-gcc)
set(CMAKE_RC_COMPILER ${EPG_TOOLCHAIN_PREFIX}-windres)
set(CMAKE_MC_COMPILER ${EPG_TOOLCHAIN_PREFIX}-windmc)

set(CMAKE_FIND_ROOT_PATH /usr/${EPG_TOOLCHAIN_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
