# Builds the Windows installer installer\dist\LabDesk-<version>-setup.exe.
#
# Needs: Python 3.11 (x64) with LabDesk and PyInstaller installed (`pip install -e .[dev]`
# from the project root, ideally in a venv), and Inno Setup 6 (ISCC.exe).
#
#   powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1
#   powershell -File installer\build_windows.ps1 -Python .venv\Scripts\python.exe -Iscc "D:\Inno Setup 6\ISCC.exe"
#
# Steps: read the version from labdesk\__init__.py (installer\version.py), build the
# PyInstaller bundle into installer\dist\labdesk, run its smoke test, then compile
# installer\labdesk.iss with /DAppVersion=<version>.

param(
    [string]$Python = "python",
    [string]$Iscc = ""
)

$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root

$Version = (& $Python installer\version.py).Trim()
if ($LASTEXITCODE -ne 0 -or -not $Version) { throw "could not read the version (installer\version.py)" }
Write-Host "LabDesk $Version"

& $Python -m PyInstaller installer\labdesk.spec --noconfirm `
    --distpath installer\dist --workpath installer\build
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

# The bundle is windowed (no console), so wait for it explicitly and read its JSON line
# from a file.
$Exe = Join-Path $Root "installer\dist\labdesk\labdesk.exe"
$Report = Join-Path $env:TEMP "labdesk-smoke.json"
$Smoke = Start-Process -FilePath $Exe -ArgumentList "--smoke-test" -Wait -PassThru `
    -NoNewWindow -RedirectStandardOutput $Report
Get-Content $Report | Write-Host
if ($Smoke.ExitCode -ne 0) { throw "the frozen smoke test failed (exit $($Smoke.ExitCode))" }

if (-not $Iscc) {
    $Found = Get-Command ISCC.exe -ErrorAction SilentlyContinue
    if ($Found) {
        $Iscc = $Found.Source
    } else {
        $Candidates = @(
            "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
            "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
            "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
        )
        $Iscc = $Candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
    }
}
if (-not $Iscc) { throw "ISCC.exe (Inno Setup 6) not found; pass -Iscc <path>" }

& $Iscc "/DAppVersion=$Version" installer\labdesk.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Write-Host "Built installer\dist\LabDesk-$Version-setup.exe"
