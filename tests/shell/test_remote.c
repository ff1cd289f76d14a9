/* The remote reader against a computer that refuses KEY_WOW64_64KEY
 * (service/readers/remote.c): Windows 2000 predates the flag ("Windows
 * 2000: This flag is not supported", the RegOpenKeyEx documentation).  The
 * readers' test seam (regread_open_hook) plays such a computer over this
 * prefix's own HKEY_LOCAL_MACHINE: every open with the flag is refused with
 * ERROR_ACCESS_DENIED, and the CurrentVersion key is a test key that says
 * which Windows it is.
 *   - 5.0 (Windows 2000, no WOW64, one view): read without the flag; the
 *     version known, the Address Book's value read, a missing key missing;
 *   - 5.2 (Server 2003, which may be 64-bit): the flag is kept, and the
 *     refusal shows as unreadable keys with error 5, never as values read
 *     from a view that may be the wrong one;
 *   - no seam: read with the flag, as on every other computer.
 * Runs under Wine with the unit tests, in the shared unit prefix: it
 * creates MSExchangeAB\Parameters and HKCU\Software\ExchPortGuardTest and
 * removes what it created. */
#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "check/catalogue.h"
#include "readers/regread.h"
#include "readers/remote.h"
#include "regexport/regexport.h"
#include "tinytest.h"

#define AB_KEY L"System\\CurrentControlSet\\Services\\MSExchangeAB\\Parameters"
#define FAKE_ROOT L"Software\\ExchPortGuardTest"
#define CURRENT_VERSION L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"

static const WCHAR *fake_version_key;   /* under HKCU */
static unsigned flagged_opens, plain_opens;

static LONG old_windows(HKEY root, const WCHAR *path, REGSAM access, HKEY *key)
{
    if (access & KEY_WOW64_64KEY) {
        flagged_opens++;
        return ERROR_ACCESS_DENIED;
    }
    plain_opens++;
    if (_wcsicmp(path, CURRENT_VERSION) == 0)
        return RegOpenKeyExW(HKEY_CURRENT_USER, fake_version_key, 0, access, key);
    return RegOpenKeyExW(root, path, 0, access, key);
}

static void make_version_key(const WCHAR *sub, const WCHAR *version)
{
    HKEY key;

    CHECK_INT(RegCreateKeyExW(HKEY_CURRENT_USER, sub, 0, NULL, 0, KEY_SET_VALUE, NULL, &key,
                              NULL), ERROR_SUCCESS);
    CHECK_INT(RegSetValueExW(key, L"CurrentVersion", 0, REG_SZ, (const BYTE *)version,
                             (DWORD)((wcslen(version) + 1) * sizeof(WCHAR))), ERROR_SUCCESS);
    RegCloseKey(key);
}

static void read_as(const WCHAR *version_key, epg_snapshot *s)
{
    fake_version_key = version_key;
    flagged_opens = plain_opens = 0;
    epg_snapshot_init(s);
    remote_read_root(HKEY_LOCAL_MACHINE, s);
}

static void windows_2000(void)
{
    epg_snapshot s;
    size_t ab = epg_value_by_id("ab-rpctcpport");

    regread_open_hook = old_windows;
    read_as(FAKE_ROOT L"\\Win2000", &s);
    CHECK_INT(s.os_unknown, 0);
    CHECK_INT(s.os_major, 5);
    CHECK_INT(s.os_minor, 0);
    CHECK_INT(flagged_opens, 1);        /* CurrentVersion, refused once */
    CHECK(plain_opens >= epg_key_count());
    CHECK_INT(s.keys[EPG_K_AB].state, EPG_KEY_PRESENT);
    CHECK_INT(s.values[ab].presence, EPG_PRESENT);
    CHECK_INT(s.values[ab].type, REG_SZ);
    CHECK(s.values[ab].size == 12 && memcmp(s.values[ab].data, L"59532", 12) == 0);
    CHECK_INT(s.keys[EPG_K_SRS].state, EPG_KEY_MISSING);
    epg_snapshot_free(&s);
    regread_open_hook = NULL;
}

static void windows_2003_keeps_the_view(void)
{
    epg_snapshot s;

    regread_open_hook = old_windows;
    read_as(FAKE_ROOT L"\\Win2003", &s);
    CHECK_INT(s.os_unknown, 0);
    CHECK_INT(s.os_major, 5);
    CHECK_INT(s.os_minor, 2);
    CHECK_INT(s.keys[EPG_K_AB].state, EPG_KEY_ERROR);
    CHECK_INT(s.keys[EPG_K_AB].error, ERROR_ACCESS_DENIED);
    CHECK(flagged_opens > epg_key_count());
    epg_snapshot_free(&s);
    regread_open_hook = NULL;
}

static void without_the_seam(void)
{
    epg_snapshot s;

    epg_snapshot_init(&s);
    remote_read_root(HKEY_LOCAL_MACHINE, &s);
    CHECK_INT(s.os_unknown, 0);
    CHECK(s.os_major >= 6);
    CHECK_INT(s.keys[EPG_K_AB].state, EPG_KEY_PRESENT);
    epg_snapshot_free(&s);
}

int main(void)
{
    HKEY key;
    static const WCHAR port[] = L"59532";

    CHECK_INT(RegCreateKeyExW(HKEY_LOCAL_MACHINE, AB_KEY, 0, NULL, 0,
                              KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL),
              ERROR_SUCCESS);
    CHECK_INT(RegSetValueExW(key, L"RpcTcpPort", 0, REG_SZ, (const BYTE *)port, sizeof port),
              ERROR_SUCCESS);
    RegCloseKey(key);
    make_version_key(FAKE_ROOT L"\\Win2000", L"5.0");
    make_version_key(FAKE_ROOT L"\\Win2003", L"5.2");
    RUN(windows_2000);
    RUN(windows_2003_keeps_the_view);
    RUN(without_the_seam);
    RegDeleteKeyW(HKEY_CURRENT_USER, FAKE_ROOT L"\\Win2000");
    RegDeleteKeyW(HKEY_CURRENT_USER, FAKE_ROOT L"\\Win2003");
    RegDeleteKeyW(HKEY_CURRENT_USER, FAKE_ROOT);
    RegDeleteKeyExW(HKEY_LOCAL_MACHINE, AB_KEY, KEY_WOW64_64KEY, 0);
    RegDeleteKeyExW(HKEY_LOCAL_MACHINE, L"System\\CurrentControlSet\\Services\\MSExchangeAB",
                    KEY_WOW64_64KEY, 0);
    return tt_summary("test_remote");
}
