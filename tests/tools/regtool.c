/* regtool: registry operations the end-to-end tests need and reg.exe cannot
 * do.  Test tool only; not part of the product.
 *
 *   regtool put <key> <value> <type-number> hex <hex bytes>
 *   regtool put <key> <value> <type-number> fill <byte> <count>
 *       Writes any type with any bytes (a 3-byte REG_DWORD, a 1 MB string).
 *   regtool deny <key>     Denies everyone all access to the key (DACL).
 *   regtool allow <key>    Restores full access for everyone.
 *   regtool churn <key> <value> <count> <port-a> <port-b>
 *       Writes the value count times, alternating the two ports, ending on
 *       port-b; prints the elapsed milliseconds.
 *   regtool recreate <key> <count>
 *       Deletes and re-creates the key count times (values are lost).
 * Keys are under HKEY_LOCAL_MACHINE. */
#include <windows.h>
#include <sddl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, LONG rc)
{
    fprintf(stderr, "regtool: %s failed: error %ld\n", what, rc);
    return 1;
}

static int hexval(WCHAR c)
{
    if (c >= L'0' && c <= L'9') return c - L'0';
    if (c >= L'a' && c <= L'f') return c - L'a' + 10;
    if (c >= L'A' && c <= L'F') return c - L'A' + 10;
    return -1;
}

static int put(int argc, WCHAR **argv)
{
    HKEY key;
    DWORD type;
    BYTE *data = NULL;
    size_t n = 0;
    LONG rc;

    if (argc < 5)
        return fail("usage", 0);
    type = (DWORD)wcstoul(argv[2], NULL, 0);
    if (!wcscmp(argv[3], L"hex")) {
        const WCHAR *h = argc > 4 ? argv[4] : L"";
        size_t len = wcslen(h), i;
        data = malloc(len / 2 + 1);
        for (i = 0; i + 1 < len; ) {
            int hi, lo;
            if (h[i] == L',' || h[i] == L' ') { i++; continue; }
            hi = hexval(h[i]);
            lo = hexval(h[i + 1]);
            if (hi < 0 || lo < 0)
                return fail("hex parse", 0);
            data[n++] = (BYTE)(hi * 16 + lo);
            i += 2;
        }
    } else if (!wcscmp(argv[3], L"fill") && argc >= 6) {
        int byte = (int)wcstol(argv[4], NULL, 0);
        n = (size_t)wcstoul(argv[5], NULL, 0);
        data = malloc(n ? n : 1);
        memset(data, byte, n);
    } else {
        return fail("usage", 0);
    }
    rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, argv[0], 0, NULL, 0,
                         KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL);
    if (rc)
        return fail("RegCreateKeyExW", rc);
    rc = RegSetValueExW(key, argv[1], 0, type, data, (DWORD)n);
    RegCloseKey(key);
    free(data);
    return rc ? fail("RegSetValueExW", rc) : 0;
}

static int set_dacl(const WCHAR *path, const WCHAR *sddl)
{
    HKEY key;
    PSECURITY_DESCRIPTOR sd;
    LONG rc = RegOpenKeyExW(HKEY_LOCAL_MACHINE, path, 0, WRITE_DAC | KEY_WOW64_64KEY,
                            &key);

    if (rc)
        return fail("RegOpenKeyExW", rc);
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1,
                                                              &sd, NULL))
        return fail("ConvertStringSecurityDescriptor", (LONG)GetLastError());
    rc = RegSetKeySecurity(key, DACL_SECURITY_INFORMATION, sd);
    LocalFree(sd);
    RegCloseKey(key);
    return rc ? fail("RegSetKeySecurity", rc) : 0;
}

static int churn(int argc, WCHAR **argv)
{
    HKEY key;
    DWORD count, a, b, i;
    LARGE_INTEGER f, t0, t1;
    LONG rc;

    if (argc < 5)
        return fail("usage", 0);
    count = (DWORD)wcstoul(argv[2], NULL, 0);
    a = (DWORD)wcstoul(argv[3], NULL, 0);
    b = (DWORD)wcstoul(argv[4], NULL, 0);
    rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, argv[0], 0, NULL, 0,
                         KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL);
    if (rc)
        return fail("RegCreateKeyExW", rc);
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    for (i = 0; i < count; i++) {
        /* The last write is port-b whatever the parity of count. */
        DWORD v = ((count - 1 - i) % 2 == 0) ? b : a;
        rc = RegSetValueExW(key, argv[1], 0, REG_DWORD, (BYTE *)&v, sizeof v);
        if (rc)
            return fail("RegSetValueExW", rc);
    }
    QueryPerformanceCounter(&t1);
    RegCloseKey(key);
    printf("%.0f\n", (double)(t1.QuadPart - t0.QuadPart) * 1000.0 / (double)f.QuadPart);
    return 0;
}

static int recreate(int argc, WCHAR **argv)
{
    DWORD count, i;
    HKEY key;
    LONG rc;

    if (argc < 2)
        return fail("usage", 0);
    count = (DWORD)wcstoul(argv[1], NULL, 0);
    for (i = 0; i < count; i++) {
        rc = RegDeleteKeyW(HKEY_LOCAL_MACHINE, argv[0]);
        if (rc && rc != ERROR_FILE_NOT_FOUND)
            return fail("RegDeleteKeyW", rc);
        rc = RegCreateKeyExW(HKEY_LOCAL_MACHINE, argv[0], 0, NULL, 0,
                             KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key, NULL);
        if (rc)
            return fail("RegCreateKeyExW", rc);
        RegCloseKey(key);
    }
    return 0;
}

int wmain(int argc, WCHAR **argv);
int wmain(int argc, WCHAR **argv)
{
    if (argc >= 3 && !wcscmp(argv[1], L"put"))
        return put(argc - 2, argv + 2);
    if (argc == 3 && !wcscmp(argv[1], L"deny"))
        return set_dacl(argv[2], L"D:(D;;KA;;;WD)");
    if (argc == 3 && !wcscmp(argv[1], L"allow"))
        return set_dacl(argv[2], L"D:(A;;KA;;;WD)");
    if (argc >= 3 && !wcscmp(argv[1], L"churn"))
        return churn(argc - 2, argv + 2);
    if (argc >= 3 && !wcscmp(argv[1], L"recreate"))
        return recreate(argc - 2, argv + 2);
    fprintf(stderr, "usage: regtool put|deny|allow|churn|recreate ...\n");
    return 2;
}
