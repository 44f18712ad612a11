; Inno Setup 6 script for the Windows installer. Built by packaging/windows/make_installer.sh, which passes
; /DAppVersion (from pyproject.toml) and, when a certificate is configured, /DSign with the "invoicesign" tool.
; Input: dist\InvoiceDesktop\ (packaging/build.sh). Output: dist\InvoiceDesktop-<version>-setup.exe.

#ifndef AppVersion
  #error Pass /DAppVersion=x.y.z (packaging/windows/make_installer.sh does)
#endif
#define AppName "Invoice Desktop"
#define AppExe "InvoiceDesktop.exe"
#define ProgId "InvoiceDesktop.pdf"
; platformdirs.user_data_dir("invoice-desktop", appauthor=False); the logs are in its Logs subfolder.
#define DataDir "{localappdata}\invoice-desktop"

[Setup]
; Never change AppId: it is how a new version finds and replaces the installed one.
AppId={{571EF6D0-4003-4200-B9B3-A58EF52503B7}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
; Per user, without administrator rights: an elevated app cannot receive drops from Explorer or Outlook.
; {autopf} is then %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=InvoiceDesktop-{#AppVersion}-setup
SetupIconFile=..\..\resources\icon.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
#ifdef FastCompression
; CI's compile check of this script (compile_under_wine.sh): the bytes are a stand-in, speed matters, not size.
Compression=zip/1
#else
Compression=lzma2/max
SolidCompression=yes
#endif
WizardStyle=modern
; Close a running copy (Restart Manager) before replacing or removing its files.
CloseApplications=yes
ChangesAssociations=yes
ShowLanguageDialog=auto
#ifdef Sign
; The installer and the uninstaller it writes are signed with the tool defined on ISCC's command line.
SignTool=invoicesign
SignedUninstaller=yes
#endif

[Languages]
; The languages the app speaks (invoice_desktop/core/i18n.py): the wizard takes the Windows display language when it
; is one of these (ShowLanguageDialog=auto asks only otherwise). Words of our own are in [CustomMessages] below,
; in the terms of docs/glossary/<lang>.md.
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"
Name: "spanish"; MessagesFile: "compiler:Languages\Spanish.isl"
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "swedish"; MessagesFile: "compiler:Languages\Swedish.isl"

[CustomMessages]
english.PdfDocument=PDF document (Invoice Desktop)
german.PdfDocument=PDF-Dokument (Invoice Desktop)
spanish.PdfDocument=Documento PDF (Invoice Desktop)
french.PdfDocument=Document PDF (Invoice Desktop)
swedish.PdfDocument=PDF-dokument (Invoice Desktop)
english.PurgeQuestion=Also delete your upload history and logs?
german.PurgeQuestion=Auch den Upload-Verlauf und die Protokolle löschen?
spanish.PurgeQuestion=¿Eliminar también el historial de envíos y los registros?
french.PurgeQuestion=Supprimer aussi l'historique des envois et les journaux ?
swedish.PurgeQuestion=Ta även bort uppladdningshistoriken och loggarna?
english.PurgeWhere=They are in %1.
german.PurgeWhere=Diese Dateien liegen in %1.
spanish.PurgeWhere=Están en %1.
french.PurgeWhere=Ils se trouvent dans %1.
swedish.PurgeWhere=De finns i %1.
english.PurgeKeep=Choose No to keep them for a later installation.
german.PurgeKeep=Wählen Sie „Nein“, um sie für eine spätere Installation zu behalten.
spanish.PurgeKeep=Elija “No” si quiere conservarlos para una instalación posterior.
french.PurgeKeep=Choisissez « Non » pour les conserver en vue d'une installation ultérieure.
swedish.PurgeKeep=Välj ”Nej” för att behålla dem till en senare installation.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the whole bundle: files a newer version no longer ships must not linger and be loaded.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\InvoiceDesktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; "Open with Invoice Desktop" for PDF files, for this user only (HKA is HKCU in a per-user install). The app is
; offered in Explorer's "Open with" menu; it never takes over as the default PDF program.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueData: "{cm:PdfDocument}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.pdf\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".pdf"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ The uninstaller removes the program. The user's upload history, logs and window settings stay unless the user
  says otherwise: they are asked (default: keep), or a silent uninstall is given /PURGEDATA=yes.
  Saved credentials live in Windows Credential Manager (entries "invoice-desktop/...") and are not touched. }
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
  Purge: Boolean;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{#DataDir}');
  if not DirExists(DataDir) then
    Exit;
  if UninstallSilent then
    Purge := CompareText(ExpandConstant('{param:PURGEDATA|no}'), 'yes') = 0
  else
    Purge := MsgBox(CustomMessage('PurgeQuestion') + #13#10 + #13#10 +
      FmtMessage(CustomMessage('PurgeWhere'), [DataDir]) + #13#10 +
      CustomMessage('PurgeKeep'), mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if Purge then
  begin
    DelTree(DataDir, True, True, True);
    RegDeleteKeyIncludingSubkeys(HKEY_CURRENT_USER, 'Software\invoice-desktop');
  end;
end;
