# Build the Windows installer of PerfEval Desk (绩效自评填报) on a 64-bit Windows 10/11 build machine:
#   1. a build virtualenv (.venv-build) with the project's dependencies and PyInstaller (from pyproject.toml),
#   2. the one-folder bundle installer\dist\PerfEvalDesk (installer\build.py → installer\perfeval.spec),
#   3. a quick check that the bundled perfeval.exe runs,
#   4. the installer installer\dist\PerfEvalDesk-<version>-windows-x64-setup.exe (NSIS, installer\windows\perfeval.nsi).
#
# Run from anywhere, no editing needed:
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
# Needs (build machine only, the clerks' PCs need nothing):
#   - 64-bit Python 3.11 or newer (python.org installer, with the "py" launcher), and network access for pip
#     the first time (or a wheelhouse: -Wheelhouse D:\wheels, built with "pip download" elsewhere);
#   - NSIS 3.x (https://nsis.sourceforge.io, or: winget install NSIS.NSIS). Its SimpChinese language ships with it.
param(
    [string]$Python = "",      # a python.exe to use instead of the "py" launcher
    [string]$Wheelhouse = "",  # install dependencies offline from this folder (pip --no-index --find-links)
    [switch]$SkipInstaller     # build the bundle only
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

function Fail([string]$Message) {
    Write-Host "错误：$Message" -ForegroundColor Red
    exit 1
}

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { Fail "$Exe $($Arguments -join ' ') 失败（退出码 $LASTEXITCODE）" }
}

# 1. Python and the build virtualenv ------------------------------------------------------------------------
$Venv = Join-Path $Root ".venv-build"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $VenvPython)) {
    $base = @()
    if ($Python) { $base = @($Python) }
    elseif (Get-Command py -ErrorAction SilentlyContinue) {
        # Windows PowerShell 5.1 turns a native command's redirected stderr into a terminating error under
        # "Stop": probe the launcher with "Continue" (py prints to stderr when a version is not installed).
        $ErrorActionPreference = "Continue"
        foreach ($v in @("-3.13", "-3.12", "-3.11")) {
            & py $v -c "import sys; assert sys.maxsize > 2**32" 2>$null | Out-Null
            if ($LASTEXITCODE -eq 0) { $base = @("py", $v); break }
        }
        $ErrorActionPreference = "Stop"
    }
    elseif (Get-Command python -ErrorAction SilentlyContinue) { $base = @("python") }
    if ($base.Count -eq 0) { Fail "找不到 64 位 Python 3.11 或更新版本（请从 python.org 安装，勾选 py launcher）" }
    $exe = $base[0]
    $rest = @($base | Select-Object -Skip 1)
    & $exe @rest -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) and sys.maxsize > 2**32 else 1)"
    if ($LASTEXITCODE -ne 0) { Fail "需要 64 位 Python 3.11 或更新版本：$($base -join ' ')" }
    Write-Host "== 创建构建环境 $Venv"
    Invoke-Checked $exe ($rest + @("-m", "venv", $Venv))
}
Write-Host "== 安装依赖和 PyInstaller"
# The dependencies named in pyproject.toml (runtime + "build" extra); the project itself is not installed:
# the spec bundles app\ straight from the source tree.
$deps = @(& $VenvPython -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['build']))")
if ($LASTEXITCODE -ne 0 -or $deps.Count -eq 0) { Fail "无法读取 pyproject.toml 中的依赖" }
$pipArgs = @("-m", "pip", "install", "--disable-pip-version-check", "-q")
if ($Wheelhouse) { $pipArgs += @("--no-index", "--find-links", $Wheelhouse) }
Invoke-Checked $VenvPython ($pipArgs + $deps)

# 2. The bundle ---------------------------------------------------------------------------------------------
Write-Host "== PyInstaller"
Invoke-Checked $VenvPython @("installer\build.py", "--quiet")
$Bundle = Join-Path $Root "installer\dist\PerfEvalDesk"
foreach ($f in @("PerfEvalDesk.exe", "perfeval.exe", "_internal\resources\fonts\wqy-microhei.ttc")) {
    if (-not (Test-Path (Join-Path $Bundle $f))) { Fail "程序文件夹缺少 $f" }
}

# 3. The bundled command line runs: the sample packet has errors, so check exits with 1 -----------------------
Write-Host "== 检查打包好的 perfeval.exe"
$sample = Join-Path $Bundle "_internal\resources\sample\yueyang-2024.json"
$json = & (Join-Path $Bundle "perfeval.exe") check $sample --json
if ($LASTEXITCODE -ne 1) { Fail "perfeval.exe check 应返回 1，实际 $LASTEXITCODE" }
if (-not (($json -join "`n") -match '"basic.control_rate": "81.48%"')) { Fail "perfeval.exe check 的结果不对" }
$size = (Get-ChildItem $Bundle -Recurse -File | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("程序文件夹 {0}：{1:N1} MB" -f $Bundle, $size)
if ($SkipInstaller) { exit 0 }

# 4. The installer ------------------------------------------------------------------------------------------
$makensis = (Get-Command makensis -ErrorAction SilentlyContinue).Source
if (-not $makensis) {
    foreach ($dir in @(${env:ProgramFiles(x86)}, $env:ProgramFiles)) {
        if ($dir -and (Test-Path (Join-Path $dir "NSIS\makensis.exe"))) { $makensis = Join-Path $dir "NSIS\makensis.exe"; break }
    }
}
if (-not $makensis) { Fail "找不到 NSIS（makensis.exe）。请安装 NSIS 3：winget install NSIS.NSIS 或 https://nsis.sourceforge.io" }
$version = (& $VenvPython -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])").Trim()
$vi = (@($version.Split(".") | Where-Object { $_ -match '^\d+$' }) + @("0", "0", "0", "0"))[0..3] -join "."
Write-Host "== NSIS $makensis (版本 $version)"
Invoke-Checked $makensis @("/V2", "/INPUTCHARSET", "UTF8", "/DVERSION=$version", "/DVIVERSION=$vi", "installer\windows\perfeval.nsi")
$setup = Join-Path $Root "installer\dist\PerfEvalDesk-$version-windows-x64-setup.exe"
if (-not (Test-Path $setup)) { Fail "没有生成 $setup" }
Write-Host ("安装程序：{0}（{1:N1} MB）" -f $setup, ((Get-Item $setup).Length / 1MB)) -ForegroundColor Green
