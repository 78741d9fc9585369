; LabDesk — Inno Setup 6 script: a per-user installer for the PyInstaller bundle.
;
; Build it with installer\build_windows.ps1, which builds the bundle into
; installer\dist\labdesk and then runs
;     ISCC.exe /DAppVersion=<labdesk.__version__> installer\labdesk.iss
; so the version comes from labdesk/__init__.py alone. The default below is only for
; compiling the script by hand; tests/test_installer_files.py checks it still agrees.
;
; Where things go:
; - the program: %LOCALAPPDATA%\Programs\LabDesk ({userpf}); no administrator rights
;   needed (PrivilegesRequired=lowest), so a lab PC's ordinary account can install it;
; - the data (database, backups, signing keys, settings): the user's application-data
;   folder, %LOCALAPPDATA%\LabDesk, chosen by the application itself through platformdirs
;   (labdesk/paths.py), never the program folder. The installer writes nothing there and
;   the uninstaller never deletes it: a lab's records outlive the program.

#define AppName "LabDesk"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppExeName "labdesk.exe"
#ifndef BundleDir
  #define BundleDir "dist\labdesk"
#endif

[Setup]
; Fixed forever: Windows recognises upgrades and the uninstaller by this id.
AppId={{6F3B2C8E-9A41-4D5B-8E27-1C9D4A7B3F60}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=LabDesk
VersionInfoVersion={#AppVersion}
VersionInfoProductVersion={#AppVersion}
VersionInfoDescription=LabDesk setup
PrivilegesRequired=lowest
DefaultDirName={userpf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
OutputDir=dist
OutputBaseFilename=LabDesk-{#AppVersion}-setup
SetupIconFile=..\resources\icons\labdesk.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Close a running LabDesk (it holds the database lock) before replacing its files.
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto

[Languages]
; Inno Setup ships Simplified Chinese messages as an unofficial translation: use them
; when this Inno Setup installation has them, English always.
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole onedir bundle: labdesk.exe and _internal\ (Python, Qt, resources).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle's internals wholesale, so no stale library survives.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] for the data folder, on purpose (see the top of this file).
