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

rem The state by its number (SERVICE_STATUS dwCurrentState: 1 stopped,
rem 2 start pending, 3 stop pending, 4 running), not by the English word
rem after it.  sc stop answers 1061 while the service is starting or
rem stopping (it cannot take the control yet) and 1062 when it is not
rem running: both mean wait and look again.
call :query_state
if "%STATE%"=="1" goto delete
echo Stopping the %SVC% service...
set /a TRIES=0
:stop_loop
call :query_state
if "%STATE%"=="1" goto delete
if "%STATE%"=="3" goto stop_wait
sc stop %SVC% >nul
set "RC=%ERRORLEVEL%"
if "%RC%"=="0" goto stop_wait
if "%RC%"=="1061" goto stop_wait
if "%RC%"=="1062" goto stop_wait
goto fail_stop
:stop_wait
set /a TRIES+=1
if %TRIES% GEQ 30 goto fail_wait
rem Sleeps about a second; ping is on every Windows, timeout.exe is not.
ping -n 2 127.0.0.1 >nul
goto stop_loop

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

:query_state
rem sc query prints SERVICE_NAME, TYPE, then "STATE : 4  RUNNING": the
rem third word of the third line that is not blank is the number.  Windows'
rem sc.exe prints a blank line first, Wine's does not, and whether for /f's
rem skip= counts a blank line is not documented; so no skip=: every line
rem for /f gives (it never gives a blank one) is counted here.  The number
rem must be one of the seven states, or the state stays unknown.  Nothing
rem here depends on the English words sc.exe prints.
set "STATE="
set "SCLINE=0"
for /f "tokens=1-3" %%a in ('sc query %SVC%') do call :state_line "%%c"
exit /b 0
:state_line
set /a SCLINE+=1
if not "%SCLINE%"=="3" exit /b 0
for %%s in (1 2 3 4 5 6 7) do if "%~1"=="%%s" set "STATE=%%s"
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
