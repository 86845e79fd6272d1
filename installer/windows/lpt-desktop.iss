; Inno Setup script for LPT Desktop (per-machine install; per-user encrypted data).
; Build on Windows after `make installer` has produced dist\lpt-desktop (see installer/README.md):
;   iscc /DAppVersion=0.1.0 installer\windows\lpt-desktop.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6B3C1E8A-2F4D-4E59-9C1B-7A0D5E2F8C31}
AppName=LPT Desktop
AppVersion={#AppVersion}
AppPublisher=Lancashire Probation Trust
DefaultDirName={autopf}\LPT Desktop
DefaultGroupName=LPT Desktop
PrivilegesRequired=admin
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=lpt-desktop-{#AppVersion}-setup
SetupIconFile=lpt-desktop.ico
UninstallDisplayIcon={app}\lpt-desktop.exe
Compression=lzma2
SolidCompression=yes
; Upgrades install over the old version in place; officers' data is not in {app} and is untouched.
UsePreviousAppDir=yes
CloseApplications=yes

[Files]
Source: "..\..\dist\lpt-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; Files of the previous version that this one no longer ships.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\LPT Desktop"; Filename: "{app}\lpt-desktop.exe"
Name: "{group}\Uninstall LPT Desktop"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\lpt-desktop.exe"; Parameters: "--self-test"; Flags: runhidden waituntilterminated; StatusMsg: "Checking the installation..."

[Code]
// Each officer's encrypted caseload lives in their own profile (%LOCALAPPDATA%\lpt-desktop),
// never under Program Files. Uninstalling keeps it unless the person uninstalling asks otherwise.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\lpt-desktop');
    if DirExists(DataDir) then
      if MsgBox('Also delete the encrypted caseload data of the current Windows user in' + #13#10 + DataDir + '?' + #13#10#13#10 +
                'Choose No to keep it (the usual choice: it syncs or can be restored later).',
                mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
        DelTree(DataDir, True, True, True);
  end;
end;
