@echo off
rem ExchPortGuard: remove what install.cmd (or "exchportguard install")
rem wrote, with sc.exe and reg.exe: stop the service and wait until it has
rem stopped, delete it, remove the event source key.  Safe to run again.
rem Run it from an elevated command prompt.
setlocal EnableExtensions

set "SVC=ExchPortGuard"
set "SOURCE=HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\ExchPortGuard"

sc query %SVC% >nul 2>&1
if errorlevel 1 (
    echo The %SVC% service is not installed.
    goto source
)

sc query %SVC% | find "STOPPED" >nul
if not errorlevel 1 goto delete
echo Stopping the %SVC% service...
sc stop %SVC% >nul
set "RC=%ERRORLEVEL%"
rem 1062: the service was not running after all.
if not "%RC%"=="0" if not "%RC%"=="1062" goto fail_stop
set /a TRIES=0
:wait
sc query %SVC% | find "STOPPED" >nul
if not errorlevel 1 goto delete
set /a TRIES+=1
if %TRIES% GEQ 30 goto fail_wait
rem Sleeps about a second; ping is on every Windows, timeout.exe is not.
ping -n 2 127.0.0.1 >nul
goto wait

:delete
sc delete %SVC% >nul
if errorlevel 1 goto fail_delete
echo Removed the %SVC% service.

:source
reg query "%SOURCE%" >nul 2>&1
if errorlevel 1 goto done
reg delete "%SOURCE%" /f >nul
if errorlevel 1 goto fail_source
echo Removed the %SVC% event source.
:done
exit /b 0

:fail_stop
echo uninstall.cmd: sc stop failed with %RC%; run from an elevated command prompt (5 = access denied). 1>&2
exit /b %RC%
:fail_wait
echo uninstall.cmd: the %SVC% service did not stop within 30 seconds. 1>&2
exit /b 1
:fail_delete
set "RC=%ERRORLEVEL%"
echo uninstall.cmd: sc delete failed with %RC%. 1>&2
exit /b %RC%
:fail_source
set "RC=%ERRORLEVEL%"
echo uninstall.cmd: reg delete %SOURCE% failed with %RC%. 1>&2
exit /b %RC%
