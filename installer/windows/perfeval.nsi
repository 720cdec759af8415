; PerfEval Desk 绩效自评填报 — Windows installer (NSIS 3, Unicode, Modern UI 2, 简体中文).
;
; Built by installer\windows\build.ps1 (which runs PyInstaller first).  By hand:
;   makensis /INPUTCHARSET UTF8 /DVERSION=0.1.0 installer\windows\perfeval.nsi
;
; Why NSIS: its SimpChinese translation ships with NSIS itself, so the build machine needs nothing beyond a
; standard NSIS install (Inno Setup's ChineseSimplified.isl is an unofficial, separate download), and
; makensis also runs on Linux (Debian package "nsis"), where this script is compile-checked.
;
; Install for the current user, into %LOCALAPPDATA%\Programs\PerfEvalDesk, without administrator rights:
; clerks' office PCs are often locked down, and a per-user install needs no UAC prompt.  The database lives
; apart, in %LOCALAPPDATA%\PerfEvalDesk (platformdirs' user data dir); the uninstaller never touches it.

Unicode true
!ifdef TARGET
  Target ${TARGET}  ; e.g. amd64-unicode, to try the installer under 64-bit-only Wine; default: the x86 stub
!endif
ManifestDPIAware true
!ifndef COMPRESSOR
  !define COMPRESSOR "/SOLID lzma"  ; the smoke test on Linux passes zlib, which is faster to build
!endif
SetCompressor ${COMPRESSOR}
RequestExecutionLevel user

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "WinVer.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef VIVERSION
  !define VIVERSION "${VERSION}.0"
!endif
!ifndef DIST
  !define DIST "${__FILEDIR__}\..\dist\PerfEvalDesk"
!endif
!ifndef OUTDIR
  !define OUTDIR "${__FILEDIR__}\..\dist"
!endif
!define ICON "${__FILEDIR__}\..\..\resources\icons\perfeval.ico"
!define APPNAME "绩效自评填报"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\PerfEvalDesk"
!define APPKEY "Software\PerfEvalDesk"

Name "${APPNAME} PerfEval Desk ${VERSION}"
Caption "${APPNAME} ${VERSION} 安装"
OutFile "${OUTDIR}\PerfEvalDesk-${VERSION}-windows-x64-setup.exe"
InstallDir "$LOCALAPPDATA\Programs\PerfEvalDesk"
InstallDirRegKey HKCU "${APPKEY}" "InstallDir"
BrandingText "PerfEval Desk ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VIVERSION}"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME} PerfEval Desk"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "Apache-2.0"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "欢迎安装 ${APPNAME}"
!define MUI_WELCOMEPAGE_TEXT "本向导将在您的电脑上安装 ${APPNAME}（PerfEval Desk）${VERSION}。$\r$\n$\r$\n\
安装不需要联网，也不需要管理员权限。$\r$\n$\r$\n\
如果旧版本正在运行，请先关闭它，再点击“下一步”。$\r$\n$\r$\n\
升级或重新安装不会影响已经填报的数据。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\PerfEvalDesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "立即运行 ${APPNAME}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从以下文件夹删除 ${APPNAME} 的程序文件和快捷方式。$\r$\n\
您填报的数据（$LOCALAPPDATA\PerfEvalDesk）会保留，不会被删除。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
  ; Qt 6 runs on 64-bit Windows 10 and newer only.
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "${APPNAME} 需要 Windows 10 或更新版本（64 位）。$\r$\n本电脑的 Windows 版本过旧，无法安装。" /SD IDOK
    Abort
  ${EndIf}
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APPNAME} 需要 64 位 Windows 10 或更新版本。$\r$\n本电脑是 32 位系统，无法安装。" /SD IDOK
    Abort
  ${EndIf}
FunctionEnd

; Never install into the data folder: program and data stay apart, so reinstalling or uninstalling
; cannot touch the database.
Function .onVerifyInstDir
  ${If} $INSTDIR == "$LOCALAPPDATA\PerfEvalDesk"
    Abort
  ${EndIf}
FunctionEnd

Section "${APPNAME}" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the program files wholesale: stale modules of an older version must not linger.
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST}\*.*"
  File "/oname=安装说明.txt" "${__FILEDIR__}\INSTALL_zh-CN.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\PerfEvalDesk.exe" "" "$INSTDIR\PerfEvalDesk.exe" 0
  CreateShortcut "$SMPROGRAMS\${APPNAME}\卸载 ${APPNAME}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\安装说明.lnk" "$INSTDIR\安装说明.txt"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\PerfEvalDesk.exe" "" "$INSTDIR\PerfEvalDesk.exe" 0

  WriteRegStr HKCU "${APPKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME} PerfEval Desk"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "PerfEval Desk"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\PerfEvalDesk.exe"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

; Removes exactly what the installer wrote.  Deliberately NOT removed: $LOCALAPPDATA\PerfEvalDesk (the database,
; its backups and logs) — a clerk who reinstalls, or uninstalls by mistake, keeps every figure typed.
Section "Uninstall"
  Delete "$DESKTOP\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\卸载 ${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}\安装说明.lnk"
  RMDir "$SMPROGRAMS\${APPNAME}"

  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\PerfEvalDesk.exe"
  Delete "$INSTDIR\perfeval.exe"
  Delete "$INSTDIR\安装说明.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegValue HKCU "${APPKEY}" "InstallDir"
  DeleteRegKey /ifempty HKCU "${APPKEY}"
  DetailPrint "您的数据保留在 $LOCALAPPDATA\PerfEvalDesk"
SectionEnd
