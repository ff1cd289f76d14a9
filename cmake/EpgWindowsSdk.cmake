# epg_sdk_bin_dirs(<out> <target SDK version, or empty>)
#
# The Windows SDK directories that hold mc.exe (bin\<version>\x64), most
# wanted first: the SDK of the current Developer Command Prompt
# (WindowsSdkVerBinPath), the SDK the Visual Studio generator targets, then
# every installed SDK, newest first.  mc.exe is on PATH only in a Developer
# Command Prompt, so a plain "cmake --preset msvc-x64" needs these as hints.
# Tested with a made-up SDK tree by tests/contract/check_sdk_dirs.cmake.
function(epg_sdk_bin_dirs out target_version)
    set(dirs)
    # A variable holds the name: "(" cannot be written inside $ENV{}.
    set(pf86 "ProgramFiles(x86)")
    file(TO_CMAKE_PATH "$ENV{${pf86}}/Windows Kits/10/bin" kits)
    if(DEFINED ENV{WindowsSdkVerBinPath})
        file(TO_CMAKE_PATH "$ENV{WindowsSdkVerBinPath}" prompt)
        string(REGEX REPLACE "/$" "" prompt "${prompt}")
        list(APPEND dirs "${prompt}/x64")
    endif()
    if(target_version)
        list(APPEND dirs "${kits}/${target_version}/x64")
    endif()
    file(GLOB installed LIST_DIRECTORIES true "${kits}/10.*")
    list(SORT installed COMPARE NATURAL ORDER DESCENDING)
    foreach(d ${installed})
        list(APPEND dirs "${d}/x64")
    endforeach()
    list(REMOVE_DUPLICATES dirs)
    set(${out} ${dirs} PARENT_SCOPE)
endfunction()
