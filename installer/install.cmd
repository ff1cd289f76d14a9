@echo off
rem ExchPortGuard: install the service with sc.exe and reg.exe, for
rem administrators who prefer them to "exchportguard install" or the MSI.
rem The end state is the same as "exchportguard install":
rem   - service ExchPortGuard, image path "<exe>" service, LocalService,
rem     automatic start, description, failure actions (restart after 60 s
rem     twice, then nothing; reset after one day), and on Windows 6.0 and
rem     later failure actions also on a stop with an error, a restricted
rem     service SID and no privileges;
rem   - event source EventLog\Application\ExchPortGuard.
rem Run it from an elevated command prompt, next to exchportguard.exe.
rem Every step is checked; the first failure stops the script with its
rem exit code.
setlocal EnableExtensions DisableDelayedExpansion

set "SVC=ExchPortGuard"
rem Set while delayed expansion is off, so a "!" in the path stays itself.
set "EXE=%~dp0exchportguard.exe"
set "SOURCE=HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\ExchPortGuard"
set "DESC=Watches the Exchange static RPC port values in the registry and writes an event the moment two of them hold the same TCP port."

rem From here on the path is only ever written !EXE!: delayed expansion
rem happens after cmd has parsed the line, so a ")" or "&" in the path
rem (C:\Program Files (x86)\...) is text, not syntax.  The percent form
rem would be pasted in before parsing and, outside quotes (the \" of binPath= ends
rem cmd's quoting), end a block or start a second command.  No ( ) blocks
rem either: every branch is a goto.
setlocal EnableDelayedExpansion

if exist "!EXE!" goto have_exe
echo install.cmd: !EXE! not found; keep this script next to exchportguard.exe. 1>&2
exit /b 2
:have_exe

sc query %SVC% >nul 2>&1
if not errorlevel 1 goto update
echo Creating the %SVC% service...
sc create %SVC% binPath= "\"!EXE!\" service" start= auto obj= "NT AUTHORITY\LocalService" DisplayName= "ExchPortGuard" >nul
if errorlevel 1 goto fail_create
goto configured
:update
echo The %SVC% service exists; updating its configuration...
sc config %SVC% binPath= "\"!EXE!\" service" start= auto obj= "NT AUTHORITY\LocalService" password= "" DisplayName= "ExchPortGuard" >nul
if errorlevel 1 goto fail_config
:configured

sc description %SVC% "%DESC%" >nul
if errorlevel 1 goto fail_description

sc failure %SVC% reset= 86400 actions= restart/60000/restart/60000//0 >nul
if errorlevel 1 goto fail_failure

rem Failure actions also when the service stops with an error, a restricted
rem service SID and no privileges exist from Windows 6.0 on, and only that
rem sc.exe has failureflag, sidtype and privs.  The Windows version decides,
rem as it does for "exchportguard install"; an unknown command's exit code
rem is not a documented answer.  ver prints the version as its last word:
rem "Microsoft Windows [Version 5.2.3790]" (Server 2003), "Microsoft Windows
rem XP [Version 5.1.2600]", "Microsoft Windows [Version 10.0.17763.1]", and
rem under Wine "Microsoft Windows 6.1.7601"; the major version is what comes
rem before its first dot.  Only percent forms here: Wine's cmd neither
rem splits a delayed expansion in a for list nor substitutes inside one
rem (docs/wine.md item 16), and ver's line holds nothing cmd would parse.
rem EXCHPORTGUARD_VER_TEXT, when set, stands for ver's line: only the tests
rem set it (tests/wine/test_cmd_scripts.py), to feed Windows' own forms.
set "VERLINE="
for /f "delims=" %%l in ('ver') do set "VERLINE=%%l"
if defined EXCHPORTGUARD_VER_TEXT set "VERLINE=%EXCHPORTGUARD_VER_TEXT%"
if not defined VERLINE goto version_unknown
for %%w in (%VERLINE%) do set "VERNUM=%%w"
set "VERNUM=%VERNUM:]=%"
set "OSMAJOR=%VERNUM:~0,2%"
set "OSMAJOR=%OSMAJOR:.=%"
set /a OSMAJOR=OSMAJOR
if %OSMAJOR% GEQ 6 goto set_vista_settings
if %OSMAJOR% EQU 0 goto version_unknown
echo Note: Windows %VERNUM% is older than 6.0, so its sc.exe has no failureflag, sidtype or privs: the failure actions flag, the restricted service SID and the required privileges are skipped.
goto vista_settings_done
:version_unknown
echo Note: the Windows version could not be read from ver ("%VERLINE%"); taken as older than 6.0: the failure actions flag, the restricted service SID and the required privileges are skipped.
goto vista_settings_done
:set_vista_settings
sc failureflag %SVC% 1 >nul
if errorlevel 1 goto fail_failureflag
sc sidtype %SVC% restricted >nul
if errorlevel 1 goto fail_sidtype
sc privs %SVC% SeChangeNotifyPrivilege >nul
if errorlevel 1 goto fail_privs
:vista_settings_done

echo Registering the event source...
reg add "%SOURCE%" /v EventMessageFile /t REG_EXPAND_SZ /d "!EXE!" /f >nul
if errorlevel 1 goto fail_source
reg add "%SOURCE%" /v CategoryMessageFile /t REG_EXPAND_SZ /d "!EXE!" /f >nul
if errorlevel 1 goto fail_source
reg add "%SOURCE%" /v CategoryCount /t REG_DWORD /d 3 /f >nul
if errorlevel 1 goto fail_source
reg add "%SOURCE%" /v TypesSupported /t REG_DWORD /d 7 /f >nul
if errorlevel 1 goto fail_source

echo Installed the %SVC% service and its event source.
echo Start it with: sc start %SVC%
exit /b 0

:fail_create
set "RC=%ERRORLEVEL%"
echo install.cmd: sc create failed with %RC%; run from an elevated command prompt (5 = access denied). 1>&2
exit /b %RC%
:fail_config
set "RC=%ERRORLEVEL%"
echo install.cmd: sc config failed with %RC%; the existing service could not be updated. 1>&2
exit /b %RC%
:fail_description
set "RC=%ERRORLEVEL%"
echo install.cmd: sc description failed with %RC%. 1>&2
exit /b %RC%
:fail_failure
set "RC=%ERRORLEVEL%"
echo install.cmd: sc failure failed with %RC%; the failure actions are not set. 1>&2
exit /b %RC%
:fail_failureflag
set "RC=%ERRORLEVEL%"
echo install.cmd: sc failureflag failed with %RC%. 1>&2
exit /b %RC%
:fail_sidtype
set "RC=%ERRORLEVEL%"
echo install.cmd: sc sidtype failed with %RC%. 1>&2
exit /b %RC%
:fail_privs
set "RC=%ERRORLEVEL%"
echo install.cmd: sc privs failed with %RC%. 1>&2
exit /b %RC%
:fail_source
set "RC=%ERRORLEVEL%"
echo install.cmd: reg add under %SOURCE% failed with %RC%; the event source is not registered. 1>&2
exit /b %RC%
