/* RegConnectRegistryW takes "\\computername" (its documentation on
 * learn.microsoft.com; Wine also takes the name without the backslashes).
 * It needs the Remote Registry service on the target, which is manual-start
 * from Windows Vista on and automatic on Windows Server 2003. */
#include "readers/remote.h"

#include <stdlib.h>
#include <string.h>

#include "readers/regread.h"
#include "regexport/regexport.h"
#include "winutil.h"

/* The OS version, and the view to read the computer's keys in.
 *
 * Windows 2000 predates KEY_WOW64_64KEY (the RegOpenKeyEx documentation:
 * "Windows 2000: This flag is not supported"); what its Remote Registry
 * answers to the bit is not documented, so a refusal of the open with it
 * (ERROR_ACCESS_DENIED or ERROR_INVALID_PARAMETER) is taken as that, and
 * the key is opened again without it.  A computer that then says it is 5.0
 * has no WOW64 and so one view: its keys are read without the flag.  Any
 * other version keeps the flag (a 64-bit Windows must be read in its 64-bit
 * view), and a refusal then shows in the report as unreadable keys, with
 * the error, rather than as values read from the wrong view. */
static REGSAM read_os(HKEY root, epg_snapshot *s)
{
    epg_reading version, major, minor;
    uint32_t maj, min;
    HKEY key;
    WCHAR *path = wide_from_utf8(EPG_CURRENTVERSION_KEY);
    LONG rc = path ? regread_open(root, path, KEY_QUERY_VALUE | EPG_REG_VIEW, &key)
                   : ERROR_NOT_ENOUGH_MEMORY;
    int refused = rc == ERROR_ACCESS_DENIED || rc == ERROR_INVALID_PARAMETER;

    if (refused)
        rc = regread_open(root, path, KEY_QUERY_VALUE, &key);
    free(path);
    s->os_unknown = 1;
    if (rc != ERROR_SUCCESS)
        return EPG_REG_VIEW;
    memset(&version, 0, sizeof version);
    memset(&major, 0, sizeof major);
    memset(&minor, 0, sizeof minor);
    regread_value(key, "CurrentVersion", &version);
    regread_value(key, "CurrentMajorVersionNumber", &major);
    regread_value(key, "CurrentMinorVersionNumber", &minor);
    RegCloseKey(key);
    if (epg_os_from_readings(&version, &major, &minor, &maj, &min) == 0) {
        s->os_major = maj;
        s->os_minor = min;
        s->os_unknown = 0;
    }
    epg_reading_free(&version);
    epg_reading_free(&major);
    epg_reading_free(&minor);
    return refused && !s->os_unknown && s->os_major == 5 && s->os_minor == 0 ? 0
                                                                          : EPG_REG_VIEW;
}

void remote_read_root(HKEY root, epg_snapshot *s)
{
    REGSAM view;

    epg_snapshot_clear_registry(s);
    view = read_os(root, s);
    regread_keys_at(root, view, s, (1u << epg_key_count()) - 1);
}

DWORD remote_read(const WCHAR *computer, epg_snapshot *s)
{
    size_t n = wcslen(computer);
    WCHAR *unc = malloc((n + 3) * sizeof *unc);
    HKEY root;
    LONG rc;

    if (!unc)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (computer[0] == L'\\' && computer[1] == L'\\') {
        wcscpy(unc, computer);
    } else {
        unc[0] = unc[1] = L'\\';
        wcscpy(unc + 2, computer);
    }
    rc = RegConnectRegistryW(unc, HKEY_LOCAL_MACHINE, &root);
    free(unc);
    if (rc != ERROR_SUCCESS)
        return (DWORD)rc;
    remote_read_root(root, s);
    RegCloseKey(root);
    return ERROR_SUCCESS;
}
