<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="sv_SE">
  <context>
    <name>AuditModel</name>
    <message>
      <location filename="../../ui/audit_viewer.py" line="148" />
      <source>Seq</source>
      <extracomment>The control room's time zone: the core stores UTC, people read local time. At most this many entries are shown (newest first). Text colours of the status lines: (on a dark theme, on a light one). why the verification could not be done, when it could not the reason the file could not be written, or ""</extracomment>
      <translation>Nr</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="149" />
      <source>Time</source>
      <translation>Tid</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="150" />
      <source>User</source>
      <translation>Användare</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="151" />
      <source>Action</source>
      <translation>Händelse</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="152" />
      <source>Target</source>
      <translation>Objekt</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="153" />
      <source>Details</source>
      <translation>Detaljer</translation>
    </message>
  </context>
  <context>
    <name>AuditViewer</name>
    <message>
      <location filename="../../ui/audit_viewer.py" line="239" />
      <source>Access log</source>
      <extracomment>the number of entries shown, after each load the console.audit.verify.Report of a finished verification the CSV file written (its path as text) and the number of rows in it</extracomment>
      <translation>Åtkomstlogg</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="248" />
      <source>exact user name</source>
      <translation>exakt användarnamn</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="249" />
      <source>beginning, e.g. login or user.</source>
      <translation>början, t.ex. login eller user.</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="250" />
      <source>camera or target, or part of it</source>
      <translation>kamera eller objekt, eller en del av det</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="251" />
      <source>From</source>
      <translation>Från</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="253" />
      <source>To</source>
      <translation>Till</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="262" />
      <source>Apply</source>
      <translation>Tillämpa</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="269" />
      <source>User</source>
      <translation>Användare</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="271" />
      <source>Action</source>
      <translation>Händelse</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="273" />
      <source>Camera or target</source>
      <translation>Kamera eller objekt</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="303" />
      <source>Not verified yet.</source>
      <translation>Inte verifierad ännu.</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="312" />
      <source>Verify</source>
      <translation>Verifiera</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="315" />
      <source>Export the whole log to a temporary folder and check its seals and chain</source>
      <translation>Exportera hela loggen till en tillfällig mapp och kontrollera dess sigill och kedja</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="318" />
      <source>Export CSV…</source>
      <translation>Exportera CSV…</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="320" />
      <source>Save the rows shown as a CSV file</source>
      <translation>Spara de visade raderna som en CSV-fil</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="322" />
      <source>Close</source>
      <translation>Stäng</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="412" />
      <source>Loading…</source>
      <translation>Läser in…</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="440" />
      <source>Entries shown: %1</source>
      <translation>Visade poster: %1</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="442" />
      <source>(limited to %1)</source>
      <translation>(begränsat till %1)</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="450" />
      <source>none (the log is not sealed)</source>
      <translation>inga (loggen förseglas inte)</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="451" />
      <source>none</source>
      <translation>inget</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="453" />
      <source>Keys: %1  Witness: %2</source>
      <translation>Nycklar: %1  Vittne: %2</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="480" />
      <source>Verifying…</source>
      <translation>Verifierar…</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="485" />
      <source>Not verified: %1</source>
      <translation>Inte verifierad: %1</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="492" />
      <source>The verification could not be done: %1</source>
      <translation>Verifieringen kunde inte göras: %1</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="497" />
      <source>Verified: %1 entries, %2 checkpoints; first key fingerprint %3</source>
      <translation>Verifierad: %1 poster, %2 kontrollpunkter; första nyckelns fingeravtryck %3</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="500" />
      <source>(none)</source>
      <translation>(inget)</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="504" />
      <source>Not valid from entry %1: %2</source>
      <translation>Inte giltig från post %1: %2</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="508" />
      <source>Warning: %1</source>
      <translation>Varning: %1</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="536" />
      <source>Export CSV</source>
      <translation>Exportera CSV</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="538" />
      <source>CSV files (*.csv)</source>
      <translation>CSV-filer (*.csv)</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="576" />
      <source>Could not write %1: %2</source>
      <translation>Kunde inte skriva %1: %2</translation>
    </message>
    <message>
      <location filename="../../ui/audit_viewer.py" line="582" />
      <source>Wrote %1 rows to %2.</source>
      <translation>Skrev %1 rader till %2.</translation>
    </message>
  </context>
  <context>
    <name>Console</name>
    <message>
      <location filename="../../ui/app.py" line="321" />
      <source>Internal error</source>
      <extracomment>a console.messages.Message the person quit (closed the main window, or cancelled the first dialog) the viewer was open when the console locked; it comes back on unlocking</extracomment>
      <translation>Internt fel</translation>
    </message>
    <message>
      <location filename="../../ui/app.py" line="322" />
      <source>Utkik hit an internal error. Details are in the log.</source>
      <translation>Utkik råkade ut för ett internt fel. Detaljer finns i loggen.</translation>
    </message>
    <message>
      <location filename="../../ui/app.py" line="327" />
      <source>Utkik</source>
      <translation>Utkik</translation>
    </message>
  </context>
  <context>
    <name>FirstAdminDialog</name>
    <message>
      <location filename="../../ui/dialogs.py" line="51" />
      <source>Utkik – create the first administrator</source>
      <extracomment>(name, password) the person chose; the dialog stays open until `accept()` or an error.</extracomment>
      <translation>Utkik – skapa den första administratören</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="55" />
      <source>No administrator exists yet. Create the first one: the administrator adds the operators, technicians and supervisors. There is no default password.</source>
      <translation>Det finns ingen administratör ännu. Skapa den första: administratören lägger till operatörer, tekniker och arbetsledare. Det finns inget standardlösenord.</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="66" />
      <source>at least %1 characters</source>
      <translation>minst %1 tecken</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="72" />
      <source>User name</source>
      <translation>Användarnamn</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="73" />
      <source>Password</source>
      <translation>Lösenord</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="74" />
      <source>Repeat password</source>
      <translation>Upprepa lösenordet</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="80" />
      <source>Create administrator</source>
      <translation>Skapa administratör</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="82" />
      <source>Quit</source>
      <translation>Avsluta</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="86" />
      <source>Welcome to Utkik</source>
      <translation>Välkommen till Utkik</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="94" />
      <source>The two passwords differ.</source>
      <translation>De två lösenorden skiljer sig åt.</translation>
    </message>
  </context>
  <context>
    <name>LockScreen</name>
    <message>
      <location filename="../../ui/lock.py" line="82" />
      <source>Locked</source>
      <extracomment>no input for the configured time the password typed to unlock the person wants to log in as somebody else</extracomment>
      <translation>Låst</translation>
    </message>
    <message>
      <location filename="../../ui/lock.py" line="89" />
      <source>%1 is logged in. Enter the password to unlock.</source>
      <translation>%1 är inloggad. Ange lösenordet för att låsa upp.</translation>
    </message>
    <message>
      <location filename="../../ui/lock.py" line="97" />
      <source>Unlock</source>
      <translation>Lås upp</translation>
    </message>
    <message>
      <location filename="../../ui/lock.py" line="100" />
      <source>Switch user</source>
      <translation>Byt användare</translation>
    </message>
  </context>
  <context>
    <name>LoginDialog</name>
    <message>
      <location filename="../../ui/app.py" line="415" />
      <location filename="../../ui/dialogs.py" line="134" />
      <source>Log in</source>
      <translation>Logga in</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="119" />
      <source>Utkik – log in</source>
      <extracomment>(name, password) to check.</extracomment>
      <translation>Utkik – logga in</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="127" />
      <source>User name</source>
      <translation>Användarnamn</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="128" />
      <source>Password</source>
      <translation>Lösenord</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="136" />
      <source>Quit</source>
      <translation>Avsluta</translation>
    </message>
    <message>
      <location filename="../../ui/dialogs.py" line="140" />
      <source>Utkik</source>
      <translation>Utkik</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../../ui/main_window.py" line="73" />
      <source>Utkik – %1</source>
      <extracomment>The permission each menu action needs; the others are open to everyone logged in. the person asked to lock the console the password typed on the lock screen log out and show the login "sv" or "en" "dark" or "light" open user management open the access-log viewer the person closed the window (Quit, or the window manager's close button)</extracomment>
      <translation>Utkik – %1</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="78" />
      <source>The video grid appears here once cameras have been added.</source>
      <translation>Videorutnätet visas här när kameror har lagts till.</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="85" />
      <source>Sites and cameras</source>
      <translation>Platser och kameror</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="87" />
      <source>Alarms</source>
      <translation>Larm</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="87" />
      <source>No alarms.</source>
      <translation>Inga larm.</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="91" />
      <source>Lighting</source>
      <translation>Belysning</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="92" />
      <source>No luminaires connected.</source>
      <translation>Inga armaturer anslutna.</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="95" />
      <source>Log</source>
      <translation>Logg</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="95" />
      <source>No entries yet.</source>
      <translation>Inga poster ännu.</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="104" />
      <source>Logged in as %1 (%2)</source>
      <translation>Inloggad som %1 (%2)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="123" />
      <source>&amp;Console</source>
      <translation>&amp;Konsol</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="124" />
      <source>&amp;Lock</source>
      <translation>&amp;Lås</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="127" />
      <source>&amp;Switch user…</source>
      <translation>&amp;Byt användare…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="131" />
      <source>&amp;Quit</source>
      <translation>&amp;Avsluta</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="135" />
      <source>&amp;View</source>
      <translation>&amp;Visa</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="139" />
      <source>&amp;Full screen</source>
      <translation>&amp;Helskärm</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="143" />
      <source>&amp;Theme</source>
      <translation>&amp;Tema</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="145" />
      <source>Dark</source>
      <translation>Mörkt</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="145" />
      <source>Light</source>
      <translation>Ljust</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="152" />
      <source>&amp;Language</source>
      <translation>&amp;Språk</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="163" />
      <source>&amp;Administration</source>
      <translation>&amp;Administration</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="164" />
      <source>&amp;Users…</source>
      <translation>&amp;Användare…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="166" />
      <source>&amp;Access log…</source>
      <translation>Å&amp;tkomstlogg…</translation>
    </message>
  </context>
  <context>
    <name>PasswordDialog</name>
    <message>
      <location filename="../../ui/users_dialog.py" line="113" />
      <source>New password for %1</source>
      <translation>Nytt lösenord för %1</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="123" />
      <source>Password</source>
      <translation>Lösenord</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="124" />
      <source>Repeat password</source>
      <translation>Upprepa lösenordet</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="137" />
      <source>The two passwords differ.</source>
      <translation>De två lösenorden skiljer sig åt.</translation>
    </message>
  </context>
  <context>
    <name>SitesModel</name>
    <message>
      <location filename="../../ui/sites_panel.py" line="19" />
      <source>Sites and cameras</source>
      <translation>Platser och kameror</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="36" />
      <source>No permission for this area</source>
      <translation>Behörighet saknas för detta område</translation>
    </message>
  </context>
  <context>
    <name>UserEditDialog</name>
    <message>
      <location filename="../../ui/users_dialog.py" line="42" />
      <source>New user</source>
      <translation>Ny användare</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="42" />
      <source>Change user</source>
      <translation>Ändra användare</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="52" />
      <source>All areas</source>
      <translation>Alla områden</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="65" />
      <source>User name</source>
      <translation>Användarnamn</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="66" />
      <source>Role</source>
      <translation>Roll</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="67" />
      <source>Areas</source>
      <translation>Områden</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="75" />
      <source>Password</source>
      <translation>Lösenord</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="76" />
      <source>Repeat password</source>
      <translation>Upprepa lösenordet</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="93" />
      <source>The two passwords differ.</source>
      <translation>De två lösenorden skiljer sig åt.</translation>
    </message>
  </context>
  <context>
    <name>UsersDialog</name>
    <message>
      <location filename="../../ui/users_dialog.py" line="158" />
      <source>Users</source>
      <translation>Användare</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="171" />
      <source>User name</source>
      <translation>Användarnamn</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="171" />
      <source>Role</source>
      <translation>Roll</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="171" />
      <source>Areas</source>
      <translation>Områden</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="171" />
      <source>State</source>
      <translation>Status</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="180" />
      <source>Add…</source>
      <translation>Lägg till…</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="181" />
      <source>Role and areas…</source>
      <translation>Roll och områden…</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="182" />
      <source>Reset password…</source>
      <translation>Återställ lösenord…</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="183" />
      <source>Disable</source>
      <translation>Inaktivera</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="184" />
      <source>Enable</source>
      <translation>Aktivera</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="185" />
      <source>Close</source>
      <translation>Stäng</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="220" />
      <source>All areas</source>
      <translation>Alla områden</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="221" />
      <source>Disabled</source>
      <translation>Inaktiverad</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="221" />
      <source>Active</source>
      <translation>Aktiv</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="234" />
      <source>Select a user first.</source>
      <translation>Välj en användare först.</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="256" />
      <source>Added %1.</source>
      <translation>Lade till %1.</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="270" />
      <source>Changed %1.</source>
      <translation>Ändrade %1.</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="284" />
      <source>Set a new password for %1.</source>
      <translation>Satte ett nytt lösenord för %1.</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="292" />
      <source>Disabled %1.</source>
      <translation>Inaktiverade %1.</translation>
    </message>
    <message>
      <location filename="../../ui/users_dialog.py" line="292" />
      <source>Enabled %1.</source>
      <translation>Aktiverade %1.</translation>
    </message>
  </context>
  <context>
    <name>core</name>
    <message>
      <source>A user name has 1 to 64 letters, digits, dots, dashes or underscores, no spaces.</source>
      <translation>Ett användarnamn har 1 till 64 bokstäver, siffror, punkter, bindestreck eller understreck, inga mellanslag.</translation>
    </message>
    <message>
      <source>The area list “{text}” has an empty entry.</source>
      <translation>Områdeslistan ”{text}” har en tom post.</translation>
    </message>
    <message>
      <source>The data folder {path} cannot be created: {reason}.</source>
      <translation>Datamappen {path} kan inte skapas: {reason}.</translation>
    </message>
    <message>
      <source>The database has been closed.</source>
      <translation>Databasen har stängts.</translation>
    </message>
    <message>
      <source>The database {path} cannot be read: {reason}.</source>
      <translation>Databasen {path} kan inte läsas: {reason}.</translation>
    </message>
    <message>
      <source>The database {path} cannot be written: the disk is full or failing. Nothing was changed.</source>
      <translation>Databasen {path} kan inte skrivas: disken är full eller trasig. Inget ändrades.</translation>
    </message>
    <message>
      <source>The database {path} is damaged or is not a Utkik database. It has not been changed. Restore it from a backup, or move it away to start with an empty one.</source>
      <translation>Databasen {path} är skadad eller är ingen Utkik-databas. Den har inte ändrats. Återställ den från en säkerhetskopia, eller flytta undan den för att börja med en tom.</translation>
    </message>
    <message>
      <source>The database {path} is kept busy by another process.</source>
      <translation>Databasen {path} hålls upptagen av en annan process.</translation>
    </message>
    <message>
      <source>The database {path} is read-only for this account.</source>
      <translation>Databasen {path} är skrivskyddad för detta konto.</translation>
    </message>
    <message>
      <source>The database {path} was written by a newer version of Utkik (schema {version}; this version knows up to {latest}). It has not been changed. Install the newer version of Utkik to use it.</source>
      <translation>Databasen {path} skrevs av en nyare version av Utkik (schema {version}; denna version känner till upp till {latest}). Den har inte ändrats. Installera den nyare versionen av Utkik för att använda den.</translation>
    </message>
    <message>
      <source>The password must have at least {count} characters.</source>
      <translation>Lösenordet måste ha minst {count} tecken.</translation>
    </message>
    <message>
      <source>The password must not begin or end with spaces or hold control keys.</source>
      <translation>Lösenordet får inte börja eller sluta med mellanslag eller innehålla styrtecken.</translation>
    </message>
    <message>
      <source>The video library libvlc cannot be loaded ({reason}). Install the vlc packages.</source>
      <translation>Videobiblioteket libvlc kan inte laddas ({reason}). Installera vlc-paketen.</translation>
    </message>
    <message>
      <source>There already is a user called “{name}”.</source>
      <translation>Det finns redan en användare som heter ”{name}”.</translation>
    </message>
    <message>
      <source>There already is an administrator: further administrators are appointed by an administrator in the console.</source>
      <translation>Det finns redan en administratör: fler administratörer utses av en administratör i konsolen.</translation>
    </message>
    <message>
      <source>There already is an administrator; ask them to log in.</source>
      <translation>Det finns redan en administratör; be den att logga in.</translation>
    </message>
    <message>
      <source>There is no area called “{name}”. Areas: {known}.</source>
      <translation>Det finns inget område som heter ”{name}”. Områden: {known}.</translation>
    </message>
    <message>
      <source>There is no role “{token}”. Roles: {roles}.</source>
      <translation>Det finns ingen roll ”{token}”. Roller: {roles}.</translation>
    </message>
    <message>
      <source>There is no user called “{name}”.</source>
      <translation>Det finns ingen användare som heter ”{name}”.</translation>
    </message>
    <message>
      <source>This account is disabled. Ask an administrator.</source>
      <translation>Kontot är inaktiverat. Fråga en administratör.</translation>
    </message>
    <message>
      <source>Too many failed logins: the account is locked for {minutes} min. An administrator can unlock it by setting a new password.</source>
      <translation>För många misslyckade inloggningar: kontot är låst i {minutes} min. En administratör kan låsa upp det genom att sätta ett nytt lösenord.</translation>
    </message>
    <message>
      <source>Wrong user name or password.</source>
      <translation>Fel användarnamn eller lösenord.</translation>
    </message>
    <message>
      <source>You cannot disable your own account.</source>
      <translation>Du kan inte inaktivera ditt eget konto.</translation>
    </message>
    <message>
      <source>libvlc is installed but does not start. Install the vlc plugin packages.</source>
      <translation>libvlc är installerat men startar inte. Installera vlc-insticksprogrammen.</translation>
    </message>
    <message>
      <source>{key} must lie between {minimum} and {maximum}.</source>
      <translation>{key} måste ligga mellan {minimum} och {maximum}.</translation>
    </message>
    <message>
      <source>{name} has no permission for this area.</source>
      <translation>{name} har ingen behörighet för detta område.</translation>
    </message>
    <message>
      <source>{name} is not allowed to acknowledge alarms.</source>
      <translation>{name} får inte kvittera larm.</translation>
    </message>
    <message>
      <source>{name} is not allowed to approve exports.</source>
      <translation>{name} får inte godkänna exporter.</translation>
    </message>
    <message>
      <source>{name} is not allowed to change settings.</source>
      <translation>{name} får inte ändra inställningar.</translation>
    </message>
    <message>
      <source>{name} is not allowed to control lighting.</source>
      <translation>{name} får inte styra belysningen.</translation>
    </message>
    <message>
      <source>{name} is not allowed to edit the surveillance register.</source>
      <translation>{name} får inte redigera bevakningsregistret.</translation>
    </message>
    <message>
      <source>{name} is not allowed to lock evidence.</source>
      <translation>{name} får inte låsa bevismaterial.</translation>
    </message>
    <message>
      <source>{name} is not allowed to manage cameras.</source>
      <translation>{name} får inte hantera kameror.</translation>
    </message>
    <message>
      <source>{name} is not allowed to manage users.</source>
      <translation>{name} får inte hantera användare.</translation>
    </message>
    <message>
      <source>{name} is not allowed to move cameras.</source>
      <translation>{name} får inte styra kameror.</translation>
    </message>
    <message>
      <source>{name} is not allowed to play back recorded video.</source>
      <translation>{name} får inte spela upp inspelad video.</translation>
    </message>
    <message>
      <source>{name} is not allowed to read the access log.</source>
      <translation>{name} får inte läsa åtkomstloggen.</translation>
    </message>
    <message>
      <source>{name} is not allowed to read the surveillance register.</source>
      <translation>{name} får inte läsa bevakningsregistret.</translation>
    </message>
    <message>
      <source>{name} is not allowed to request exports.</source>
      <translation>{name} får inte begära exporter.</translation>
    </message>
    <message>
      <source>{name} is not allowed to take snapshots.</source>
      <translation>{name} får inte ta stillbilder.</translation>
    </message>
    <message>
      <source>{name} is not allowed to watch live video.</source>
      <translation>{name} får inte titta på livevideo.</translation>
    </message>
    <message>
      <source>{name} is the last administrator; appoint another one first.</source>
      <translation>{name} är den sista administratören; utse en annan först.</translation>
    </message>
    <message>
      <source>There is no setting “{key}”. Settings: {known}.</source>
      <translation>Det finns ingen inställning ”{key}”. Inställningar: {known}.</translation>
    </message>
    <message>
      <source>Entry {seq} is not sealed by a checkpoint yet; try again in a minute.</source>
      <translation>Post {seq} är ännu inte förseglad av en kontrollpunkt; försök igen om en minut.</translation>
    </message>
    <message>
      <source>The access log cannot be written ({reason}); the action was refused.</source>
      <translation>Åtkomstloggen kan inte skrivas ({reason}); åtgärden nekades.</translation>
    </message>
    <message>
      <source>The export to {path} failed: {reason}.</source>
      <translation>Exporten till {path} misslyckades: {reason}.</translation>
    </message>
    <message>
      <source>The folder {path} is not empty.</source>
      <translation>Mappen {path} är inte tom.</translation>
    </message>
    <message>
      <source>The key cannot be deleted from the keyring ({reason}).</source>
      <translation>Nyckeln kan inte tas bort från nyckelringen ({reason}).</translation>
    </message>
    <message>
      <source>The key cannot be stored in the keyring ({reason}).</source>
      <translation>Nyckeln kan inte sparas i nyckelringen ({reason}).</translation>
    </message>
    <message>
      <source>The key cannot be written to {path}: {reason}.</source>
      <translation>Nyckeln kan inte skrivas till {path}: {reason}.</translation>
    </message>
    <message>
      <source>The key file {path} is readable by others; it is not used.</source>
      <translation>Nyckelfilen {path} kan läsas av andra; den används inte.</translation>
    </message>
    <message>
      <source>The key folder {path} cannot be created: {reason}.</source>
      <translation>Nyckelmappen {path} kan inte skapas: {reason}.</translation>
    </message>
    <message>
      <source>The keyring cannot be read ({reason}).</source>
      <translation>Nyckelringen kan inte läsas ({reason}).</translation>
    </message>
    <message>
      <source>The retired key {path} cannot be deleted: {reason}.</source>
      <translation>Den pensionerade nyckeln {path} kan inte tas bort: {reason}.</translation>
    </message>
    <message>
      <source>There is no entry {seq}.</source>
      <translation>Det finns ingen post {seq}.</translation>
    </message>
    <message>
      <source>The key file {path} is damaged.</source>
      <translation>Nyckelfilen {path} är skadad.</translation>
    </message>
    <message>
      <source>The key {name} in the keyring is damaged.</source>
      <translation>Nyckeln {name} i nyckelringen är skadad.</translation>
    </message>
    <message>
      <source>mosquitto did not answer on {host}:{port}.</source>
      <translation>mosquitto svarade inte på {host}:{port}.</translation>
    </message>
    <message>
      <source>mosquitto is not installed: run installer/setup.sh.</source>
      <translation>mosquitto är inte installerat: kör installer/setup.sh.</translation>
    </message>
    <message>
      <source>mosquitto stopped at once: {reason}</source>
      <translation>mosquitto stannade direkt: {reason}</translation>
    </message>
    <message>
      <source>Could not set up the simulated site's network namespaces: {command} failed: {detail}</source>
      <translation>Kunde inte sätta upp den simulerade platsens nätverksnamnrymder: {command} misslyckades: {detail}</translation>
    </message>
    <message>
      <source>Creating network namespaces needs root privileges.</source>
      <translation>Att skapa nätverksnamnrymder kräver root-behörighet.</translation>
    </message>
    <message>
      <source>Creating network namespaces needs the ip command (Debian package iproute2).</source>
      <translation>Att skapa nätverksnamnrymder kräver kommandot ip (Debianpaketet iproute2).</translation>
    </message>
    <message>
      <source>Network namespaces exist only on Linux.</source>
      <translation>Nätverksnamnrymder finns bara på Linux.</translation>
    </message>
    <message>
      <source>No TCP port is free on every address of the simulated site.</source>
      <translation>Ingen TCP-port är ledig på alla den simulerade platsens adresser.</translation>
    </message>
    <message>
      <source>The simulated RTSP server cannot listen on {address} port {port}.</source>
      <translation>Den simulerade RTSP-servern kan inte lyssna på {address} port {port}.</translation>
    </message>
    <message>
      <source>The simulated RTSP server does not respond.</source>
      <translation>Den simulerade RTSP-servern svarar inte.</translation>
    </message>
    <message>
      <source>The simulated site cannot listen on its addresses ({detail}). Another simulated site may be running: stop it, or choose other ports.</source>
      <translation>Den simulerade platsen kan inte lyssna på sina adresser ({detail}). En annan simulerad plats kanske körs: stoppa den eller välj andra portar.</translation>
    </message>
    <message>
      <source>ffmpeg could not encode the clip of “{name}”: {detail}</source>
      <translation>ffmpeg kunde inte koda klippet för ”{name}”: {detail}</translation>
    </message>
    <message>
      <source>ffmpeg is not installed, so no camera clip can be made.</source>
      <translation>ffmpeg är inte installerat, så inga kameraklipp kan göras.</translation>
    </message>
  </context>
  <context>
    <name>roles</name>
    <message>
      <location filename="../../ui/i18n.py" line="68" />
      <source>Operator</source>
      <translation>Operatör</translation>
    </message>
    <message>
      <location filename="../../ui/i18n.py" line="69" />
      <source>Technician</source>
      <translation>Tekniker</translation>
    </message>
    <message>
      <location filename="../../ui/i18n.py" line="70" />
      <source>Supervisor</source>
      <translation>Arbetsledare</translation>
    </message>
    <message>
      <location filename="../../ui/i18n.py" line="71" />
      <source>Administrator</source>
      <translation>Administratör</translation>
    </message>
    <message>
      <location filename="../../ui/i18n.py" line="72" />
      <source>Auditor</source>
      <translation>Granskare</translation>
    </message>
  </context>
</TS>