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

static void read_os(HKEY root, epg_snapshot *s)
{
    epg_reading version, major, minor;
    uint32_t maj, min;
    HKEY key;
    WCHAR *path = wide_from_utf8(EPG_CURRENTVERSION_KEY);
    LONG rc = path ? RegOpenKeyExW(root, path, 0, KEY_QUERY_VALUE | EPG_REG_VIEW,
                                   &key)
                   : ERROR_NOT_ENOUGH_MEMORY;

    free(path);
    s->os_unknown = 1;
    if (rc != ERROR_SUCCESS)
        return;
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
    epg_snapshot_clear_registry(s);
    read_os(root, s);
    regread_keys_at(root, s, (1u << epg_key_count()) - 1);
    RegCloseKey(root);
    return ERROR_SUCCESS;
}
