# epg_warnings(<target>): the project's warning level on every compiler it
# builds with.  Warnings are errors unless EPG_WERROR is switched off.
function(epg_warnings target)
    if(MSVC)
        # C4996: the CRT's "use _s functions" advice; the code bounds every
        # write itself.  C5105: /std:c11 turns on the conforming
        # preprocessor, under which winbase.h of Windows SDK 10.0.19041 and
        # older expands a macro to "defined" (fixed in later SDKs); it is
        # in the SDK's header, not ours, and /WX would fail on it.
        target_compile_options(${target} PRIVATE /W4 /wd4996 /wd5105)
        target_compile_definitions(${target} PRIVATE _CRT_SECURE_NO_WARNINGS)
        if(EPG_WERROR)
            target_compile_options(${target} PRIVATE /WX)
        endif()
    else()
        # -Wpedantic: GNU extensions are warnings too, so the code stays the
        # C11 that MSVC (/std:c11) also compiles; it caught nothing else
        # when added, but "\E" in a string (a GNU escape for ESC, which
        # -Wall lets through) once put a test's key beside Services instead
        # of under it (2026-12-08).
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
            -Wstrict-prototypes -Wmissing-prototypes -Wformat=2)
        if(EPG_WERROR)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    endif()
endfunction()
