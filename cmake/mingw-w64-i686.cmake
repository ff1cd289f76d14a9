# Cross-build for 32-bit Windows (Exchange 2003 runs on 32-bit Windows Server
# 2003).  Nothing is run: a 32-bit Wine needs the i386 architecture, which
# does not install cleanly on the build machines (docs/wine.md item 10).
set(CMAKE_SYSTEM_PROCESSOR x86)
set(EPG_TOOLCHAIN_PREFIX i686-w64-mingw32)
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64.cmake)
