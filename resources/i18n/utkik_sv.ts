<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="sv_SE">
  <context>
    <name>AlarmDetails</name>
    <message>
      <source>Nothing was recorded at the alarm time.</source>
      <translation>Inget spelades in vid larmtiden.</translation>
    </message>
    <message>
      <source>Reading the recording …</source>
      <translation>Läser inspelningen …</translation>
    </message>
    <message>
      <source>Recorded video is not part of your role.</source>
      <translation>Inspelad video ingår inte i din roll.</translation>
    </message>
    <message>
      <source>Show the &amp;recording at the alarm time</source>
      <translation>Visa &amp;inspelningen vid larmtiden</translation>
    </message>
    <message>
      <source>%1, the condition has ended</source>
      <translation>%1, tillståndet har upphört</translation>
    </message>
    <message>
      <source>%1, the condition lasts</source>
      <translation>%1, tillståndet består</translation>
    </message>
    <message>
      <source>%1, the last at %2</source>
      <translation>%1, det senaste %2</translation>
    </message>
    <message>
      <source>&amp;Play back from 30 s before</source>
      <translation>&amp;Spela upp från 30 s före</translation>
    </message>
    <message>
      <source>Alarm</source>
      <translation>Larm</translation>
    </message>
    <message>
      <source>Device time</source>
      <translation>Enhetens tid</translation>
    </message>
    <message>
      <source>Handled</source>
      <translation>Hanterat</translation>
    </message>
    <message>
      <source>Messages</source>
      <translation>Meddelanden</translation>
    </message>
    <message>
      <source>No alarm selected.</source>
      <translation>Inget larm är valt.</translation>
    </message>
    <message>
      <source>No camera is linked to this alarm.</source>
      <translation>Ingen kamera hör till larmet.</translation>
    </message>
    <message>
      <source>Place</source>
      <translation>Plats</translation>
    </message>
    <message>
      <source>Received</source>
      <translation>Mottaget</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Allvarlighet</translation>
    </message>
    <message>
      <source>Source</source>
      <translation>Källa</translation>
    </message>
    <message>
      <source>State</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>What the device sent:</source>
      <translation>Vad enheten skickade:</translation>
    </message>
    <message>
      <source>acknowledged by %1</source>
      <translation>kvitterat av %1</translation>
    </message>
    <message>
      <source>assigned to %1</source>
      <translation>tilldelat %1</translation>
    </message>
    <message>
      <source>closed by %1</source>
      <translation>stängt av %1</translation>
    </message>
    <message>
      <source>comment: %1</source>
      <translation>kommentar: %1</translation>
    </message>
    <message>
      <source>none (the device sent no time it could have)</source>
      <translation>ingen (enheten skickade ingen rimlig tid)</translation>
    </message>
  </context>
  <context>
    <name>AlarmLink</name>
    <message>
      <source>The MQTT broker cannot be reached; trying again.</source>
      <translation>MQTT-brokern går inte att nå; försöker igen.</translation>
    </message>
    <message>
      <source>The alarm engine of this data folder has stopped (utkik serve or the console that records).</source>
      <translation>Larmmotorn för den här datamappen har stannat (utkik serve eller konsolen som spelar in).</translation>
    </message>
  </context>
  <context>
    <name>AlarmTableModel</name>
    <message>
      <source>1 Critical</source>
      <translation>1 Kritiskt</translation>
    </message>
    <message>
      <source>2 High</source>
      <translation>2 Högt</translation>
    </message>
    <message>
      <source>3 Medium</source>
      <translation>3 Medel</translation>
    </message>
    <message>
      <source>4 Low</source>
      <translation>4 Lågt</translation>
    </message>
    <message>
      <source>Acknowledged</source>
      <translation>Kvitterat</translation>
    </message>
    <message>
      <source>Alarm</source>
      <translation>Larm</translation>
    </message>
    <message>
      <source>Analytics</source>
      <translation>Analys</translation>
    </message>
    <message>
      <source>Class</source>
      <translation>Typ</translation>
    </message>
    <message>
      <source>Closed</source>
      <translation>Stängt</translation>
    </message>
    <message>
      <source>Door</source>
      <translation>Dörr</translation>
    </message>
    <message>
      <source>Health</source>
      <translation>Systemhälsa</translation>
    </message>
    <message>
      <source>Input</source>
      <translation>Ingång</translation>
    </message>
    <message>
      <source>Motion</source>
      <translation>Rörelse</translation>
    </message>
    <message>
      <source>New</source>
      <translation>Nytt</translation>
    </message>
    <message>
      <source>Other</source>
      <translation>Övrigt</translation>
    </message>
    <message>
      <source>Place</source>
      <translation>Plats</translation>
    </message>
    <message>
      <source>Received</source>
      <translation>Mottaget</translation>
    </message>
    <message>
      <source>Sabotage</source>
      <translation>Sabotage</translation>
    </message>
    <message>
      <source>Severity</source>
      <translation>Allvarlighet</translation>
    </message>
    <message>
      <source>Sound</source>
      <translation>Ljud</translation>
    </message>
    <message>
      <source>State</source>
      <translation>Status</translation>
    </message>
  </context>
  <context>
    <name>AlarmsPanel</name>
    <message>
      <source>%1 until %2 (%3 min left), by %4</source>
      <translation>%1 till %2 (%3 min kvar), av %4</translation>
    </message>
    <message>
      <source>&amp;Acknowledge…</source>
      <translation>&amp;Kvittera…</translation>
    </message>
    <message>
      <source>Li&amp;ft snooze</source>
      <translation>&amp;Häv tystningen</translation>
    </message>
    <message>
      <source>A&amp;ssign…</source>
      <translation>&amp;Tilldela…</translation>
    </message>
    <message>
      <source>Acknowledge alarm</source>
      <translation>Kvittera larm</translation>
    </message>
    <message>
      <source>Alarms are not part of your role.</source>
      <translation>Larm ingår inte i din roll.</translation>
    </message>
    <message>
      <source>Alarms cannot be received.</source>
      <translation>Larm kan inte tas emot.</translation>
    </message>
    <message>
      <source>All classes</source>
      <translation>Alla typer</translation>
    </message>
    <message>
      <source>All sites</source>
      <translation>Alla områden</translation>
    </message>
    <message>
      <source>All states</source>
      <translation>Alla statusar</translation>
    </message>
    <message>
      <source>C&amp;lose…</source>
      <translation>St&amp;äng…</translation>
    </message>
    <message>
      <source>Close alarm</source>
      <translation>Stäng larm</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>Öppna larm</translation>
    </message>
    <message>
      <source>S&amp;nooze source…</source>
      <translation>T&amp;ysta källa…</translation>
    </message>
    <message>
      <source>Snoozed sources:</source>
      <translation>Tystade källor:</translation>
    </message>
  </context>
  <context>
    <name>AssignDialog</name>
    <message>
      <source>Assign alarm</source>
      <translation>Tilldela larm</translation>
    </message>
    <message>
      <source>Operator</source>
      <translation>Operatör</translation>
    </message>
  </context>
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
      <location filename="../../ui/audit_viewer.py" line="421" />
      <source>The database differs from what the access log says was done:</source>
      <translation>Databasen skiljer sig från vad åtkomstloggen säger har gjorts:</translation>
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
    <name>CameraWizard</name>
    <message>
      <location filename="../../ui/camera_wizard.py" line="181" />
      <source>The camera cannot be reached.</source>
      <extracomment>How long a WS-Discovery search listens for answers (the Probe is re-sent within it). How often every camera the user may see is checked (reachable, stream opens, clock). What the begin_view entry of the test still says it was for. The ports a range scan asks at unless told otherwise (ONVIF's usual two). Each of the two test pictures is shown this large (16:9; a 4:3 picture gets bars). Text colours of states: (on a dark theme, on a light one), as in the access-log viewer. "FIRST-LAST" or CIDR to addresses; InvalidInput (a KnownError) for anything else. (host, port) typed in by the technician. (host, port, user, password) → what onboarding learnt; CameraError subclasses. (snapshot URI, user, password) → JPEG bytes. (stream URI, user, password) → the first keyframe, decoded. (host, port, user, password, stream URI, or None when the stream is known to flow) → one health check; never raises for the camera. What happened, in a few words, by kind of camera error (translated where shown).</extracomment>
      <translation>Kameran går inte att nå.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="182" />
      <source>The camera did not answer in time.</source>
      <translation>Kameran svarade inte i tid.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="183" />
      <source>Wrong user name or password.</source>
      <translation>Fel användarnamn eller lösenord.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="186" />
      <source>This is not an ONVIF camera (or not its ONVIF port).</source>
      <translation>Det här är ingen ONVIF-kamera (eller inte dess ONVIF-port).</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="190" />
      <source>The camera's answer was refused for safety.</source>
      <translation>Kamerans svar avvisades av säkerhetsskäl.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="192" />
      <source>The video stream cannot be opened.</source>
      <translation>Videoströmmen kan inte öppnas.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="193" />
      <source>The camera gave no snapshot.</source>
      <translation>Kameran gav ingen ögonblicksbild.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="196" />
      <source>search</source>
      <translation>sökning</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="197" />
      <source>range scan</source>
      <translation>intervallavsökning</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="198" />
      <source>entered</source>
      <translation>angiven</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="223" />
      <source>none</source>
      <translation>ingen</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="229" />
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="231" />
      <source>no</source>
      <translation>nej</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="237" />
      <location filename="../../ui/camera_wizard.py" line="967" />
      <location filename="../../ui/camera_wizard.py" line="968" />
      <location filename="../../ui/camera_wizard.py" line="969" />
      <source>unknown</source>
      <translation>okänd</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="238" />
      <source>%1 s</source>
      <translation>%1 s</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1278" />
      <source>Add cameras</source>
      <extracomment>a console.cameras.Camera just added</extracomment>
      <translation>Lägg till kameror</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1282" />
      <source>&amp;Save</source>
      <translation>&amp;Spara</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1283" />
      <source>Save and add &amp;another</source>
      <translation>Spara och lägg till &amp;fler</translation>
    </message>
  </context>
  <context>
    <name>CommentDialog</name>
    <message>
      <source>A comment (optional).</source>
      <translation>En kommentar (frivillig).</translation>
    </message>
    <message>
      <source>Say what was done (required for severity 1 and 2).</source>
      <translation>Skriv vad som gjordes (krävs för allvarlighet 1 och 2).</translation>
    </message>
  </context>
  <context>
    <name>Console</name>
    <message>
      <source>Alarms from this console only: sensors at the sites need an MQTT broker set (mqtt.broker)</source>
      <translation>Larm bara från den här konsolen: sensorerna på platserna behöver en MQTT-mäklare inställd (mqtt.broker)</translation>
    </message>
    <message>
      <location filename="../../ui/wiring/session.py" line="1" />
      <source>Repairing recordings after an interruption: %1 of %2</source>
      <translation>Reparerar inspelningar efter ett avbrott: %1 av %2</translation>
    </message>
    <message>
      <location filename="../../ui/wiring/session.py" line="1" />
      <source>Ending the recordings …</source>
      <translation>Avslutar inspelningarna …</translation>
    </message>
    <message>
      <location filename="../../ui/wiring/session.py" line="1" />
      <source>Writing the last entries of the access log …</source>
      <translation>Skriver åtkomstloggens sista poster …</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/app.py" line="344" />
      <source>Recording %n camera(s)</source>
      <extracomment>At shutdown, how long the live.view end entries still being written are waited for (an entry left unwritten is closed as recovered on the next start). a console.messages.Message the person quit (closed the main window, or cancelled the first dialog) the recording engine's status (emitted on the engine's threads, shown on the GUI thread) the grid opens the user's first saved layout at login (the demo) draws live video into the grid's tiles; None: tiles say video is not available PTZ and snapshots of the cameras in the grid the live grids' access-log sessions, waited for at shutdown draws recorded video into the playback window's tiles; None: not available the playback windows' access-log sessions, waited for at shutdown the viewer was open when the console locked; it comes back on unlocking the wizard was open when the console locked (it shows live pictures) what the recording engine last said, or why this console does not record</extracomment>
      <translation>
        <numerusform>Spelar in %n kamera</numerusform>
        <numerusform>Spelar in %n kameror</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/app.py" line="536" />
      <source>The layout shows no cameras to play back.</source>
      <translation>Layouten visar inga kameror att spela upp.</translation>
    </message>
    <message>
      <location filename="../../ui/app.py" line="634" />
      <source>Added camera %1.</source>
      <translation>Kameran %1 är tillagd.</translation>
    </message>
    <message>
      <location filename="../../ui/app.py" line="707" />
      <source>Removed camera %1.</source>
      <translation>Kameran %1 är borttagen.</translation>
    </message>
    <message>
      <location filename="../../ui/app.py" line="728" />
      <source>Internal error</source>
      <translation>Internt fel</translation>
    </message>
    <message>
      <location filename="../../ui/app.py" line="729" />
      <source>Utkik hit an internal error. Details are in the log.</source>
      <translation>Utkik råkade ut för ett internt fel. Detaljer finns i loggen.</translation>
    </message>
    <message>
      <location filename="../../ui/app.py" line="734" />
      <source>Utkik</source>
      <translation>Utkik</translation>
    </message>
  </context>
  <context>
    <name>CredentialsPage</name>
    <message>
      <location filename="../../ui/camera_wizard.py" line="709" />
      <source>Log in to the camera</source>
      <translation>Logga in på kameran</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="712" />
      <source>The camera's own user name and password (an ONVIF user with administrator rights). Utkik keeps them only in the operating system's keyring.</source>
      <translation>Kamerans eget användarnamn och lösenord (en ONVIF-användare med administratörsrättigheter). Utkik förvarar dem bara i operativsystemets nyckelring.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="727" />
      <source>Camera</source>
      <translation>Kamera</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="728" />
      <source>&amp;User name</source>
      <translation>&amp;Användarnamn</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="729" />
      <source>Pass&amp;word</source>
      <translation>Lösen&amp;ord</translation>
    </message>
  </context>
  <context>
    <name>CustomGridDialog</name>
    <message>
      <location filename="../../ui/grid.py" line="989" />
      <source>Custom grid</source>
      <translation>Eget rutnät</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="1004" />
      <source>Rows:</source>
      <translation>Rader:</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="1005" />
      <source>Columns:</source>
      <translation>Kolumner:</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="1006" />
      <source>Big tile rows:</source>
      <translation>Rader för den stora rutan:</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="1007" />
      <source>Big tile columns:</source>
      <translation>Kolumner för den stora rutan:</translation>
    </message>
  </context>
  <context>
    <name>EvidenceLockDialog</name>
    <message>
      <location filename="../../ui/evidence.py" line="67" />
      <source>Lock evidence</source>
      <extracomment>How long a new lock lasts unless the supervisor says otherwise (a case's first months). (cameras, start, end, reason, case number, expires at) once the input is valid</extracomment>
      <translation>Bevisskydda</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="92" />
      <source> days</source>
      <translation> dagar</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="98" />
      <source>&amp;Cameras</source>
      <translation>&amp;Kameror</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="99" />
      <source>&amp;From (Stockholm time)</source>
      <translation>&amp;Från (svensk tid)</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="100" />
      <source>&amp;To (Stockholm time)</source>
      <translation>&amp;Till (svensk tid)</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="101" />
      <source>&amp;Reason</source>
      <translation>&amp;Skäl</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="102" />
      <source>Case &amp;number</source>
      <translation>Ärende&amp;nummer</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="103" />
      <source>&amp;Expires after</source>
      <translation>&amp;Upphör efter</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="107" />
      <source>&amp;Lock</source>
      <translation>&amp;Skydda</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="113" />
      <source>Locked recordings are kept whatever the cameras' retention, until the lock expires or is lifted. The lock is written to the access log.</source>
      <translation>Skyddade inspelningar sparas oavsett kamerornas lagringstid, tills skyddet upphör eller hävs. Skyddet skrivs i åtkomstloggen.</translation>
    </message>
  </context>
  <context>
    <name>EvidenceLocksDialog</name>
    <message>
      <location filename="../../ui/evidence.py" line="176" />
      <source>Evidence locks</source>
      <translation>Bevisskydd</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="188" />
      <source>Case</source>
      <translation>Ärende</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="189" />
      <source>Cameras</source>
      <translation>Kameror</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="190" />
      <source>From</source>
      <translation>Från</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="191" />
      <source>To</source>
      <translation>Till</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="192" />
      <source>Expires</source>
      <translation>Upphör</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="193" />
      <source>Reason, by</source>
      <translation>Skäl, av</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="200" />
      <source>&amp;New lock…</source>
      <translation>&amp;Nytt skydd…</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="203" />
      <source>&amp;Lift…</source>
      <translation>&amp;Häv…</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="206" />
      <source>Close</source>
      <translation>Stäng</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/evidence.py" line="239" />
      <source>%n lock(s) in force</source>
      <translation>
        <numerusform>%n skydd gäller</numerusform>
        <numerusform>%n skydd gäller</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="290" />
      <source>Choose the lock to lift.</source>
      <translation>Välj det skydd som ska hävas.</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="295" />
      <source>Lift evidence lock</source>
      <translation>Häv bevisskydd</translation>
    </message>
    <message>
      <location filename="../../ui/evidence.py" line="296" />
      <source>Why is the lock of case %1 lifted?</source>
      <translation>Varför hävs skyddet för ärende %1?</translation>
    </message>
    <message>
      <source>Choose the lock whose recordings to export.</source>
      <translation>Välj det skydd vars inspelningar ska exporteras.</translation>
    </message>
    <message>
      <source>Request e&amp;xport…</source>
      <translation>Begär e&amp;xport…</translation>
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
    <name>GoToTimeDialog</name>
    <message>
      <location filename="../../ui/timeline.py" line="1002" />
      <source>Go to time</source>
      <extracomment>the chosen time, UTC</extracomment>
      <translation>Gå till tid</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="1006" />
      <source>Date and time in Stockholm:</source>
      <translation>Datum och tid i Stockholm:</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="1009" />
      <source>2026-10-25 14:30 or 14:30</source>
      <translation>2026-10-25 14:30 eller 14:30</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="1015" />
      <source>A time without a date is on %1. An offset such as +01:00 picks one of the times that happen twice when the clocks are put back in October.</source>
      <translation>En tid utan datum gäller %1. En UTC-förskjutning som +01:00 väljer en av de tider som inträffar två gånger när klockan ställs tillbaka i oktober.</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="1022" />
      <source>This time happens twice: the clocks are put back an hour that night. Which one?</source>
      <translation>Den här tiden inträffar två gånger: klockan ställs tillbaka en timme den natten. Vilken av dem?</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="1040" />
      <source>Go</source>
      <translation>Gå dit</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="1071" />
      <source>%1 – before the clocks are put back</source>
      <translation>%1 – innan klockan ställs tillbaka</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="1076" />
      <source>%1 – after the clocks are put back</source>
      <translation>%1 – efter att klockan ställts tillbaka</translation>
    </message>
  </context>
  <context>
    <name>GridWindow</name>
    <message>
      <location filename="../../ui/main_window.py" line="488" />
      <source>Utkik – live video – %1</source>
      <extracomment>the window was closed (by the window manager or Ctrl+W)</extracomment>
      <translation>Utkik – livevideo – %1</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="491" />
      <source>&amp;Full screen</source>
      <translation>&amp;Helskärm</translation>
    </message>
  </context>
  <context>
    <name>LightingPanel</name>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source> min</source>
      <translation> min</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>%1 % boosted for alarm %2 until %3 (%4 left)</source>
      <translation>%1 % höjd för larm %2 till %3 (%4 kvar)</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>%1 % by override of %2 until %3 (%4 left)</source>
      <translation>%1 % genom manuell styrning av %2 till %3 (%4 kvar)</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>%1 % by schedule (%2); next change at %3</source>
      <translation>%1 % enligt schema (%2); nästa ändring %3</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>%1 (not confirmed)</source>
      <translation>%1 (ej bekräftad)</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>%1 (relay)</source>
      <translation>%1 (relä)</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>&amp;Back to schedule</source>
      <translation>&amp;Tillbaka till schemat</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>&amp;Override</source>
      <translation>&amp;Styr manuellt</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Availability</source>
      <translation>Tillgänglighet</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Boost at %1: %2 % for alarm %3 until %4</source>
      <translation>Höjning vid %1: %2 % för larm %3 till %4</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Commanded</source>
      <translation>Beordrad</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Edit &amp;schedule…</source>
      <translation>Redigera &amp;schema…</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Error</source>
      <translation>Fel</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>For</source>
      <translation>Varaktighet</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Level</source>
      <translation>Nivå</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Luminaire</source>
      <translation>Armatur</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Luminaires appear here once they announce themselves on the broker.</source>
      <translation>Armaturer visas här när de anmäler sig på mäklaren.</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>OFFLINE: a luminaire does not answer.</source>
      <translation>FRÅNKOPPLAD: en armatur svarar inte.</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Override</source>
      <translation>Manuell styrning</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Places in no site</source>
      <translation>Platser utan område</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Planned levels, next 24 hours</source>
      <translation>Planerade nivåer, kommande 24 timmar</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Reason</source>
      <translation>Anledning</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Reason: %1</source>
      <translation>Anledning: %1</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Reported</source>
      <translation>Rapporterad</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Why, for the access log</source>
      <translation>Varför, för åtkomstloggen</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>You may not control the lighting here.</source>
      <translation>Du får inte styra belysningen här.</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>Zone</source>
      <translation>Zon</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>boost</source>
      <translation>höjning</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>calendar</source>
      <translation>kalender</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>day</source>
      <translation>dag</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>night</source>
      <translation>natt</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>not heard</source>
      <translation>ej hörd</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>offline</source>
      <translation>frånkopplad</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>online</source>
      <translation>ansluten</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>override</source>
      <translation>manuell</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>schedule</source>
      <translation>schema</translation>
    </message>
    <message>
      <location filename="../../ui/lighting.py" line="1" />
      <source>time of day</source>
      <translation>tid på dygnet</translation>
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
      <location filename="../../ui/app.py" line="1334" />
      <location filename="../../ui/dialogs.py" line="134" />
      <source>Log in</source>
      <extracomment>Seconds each request of a periodic health check may take (the whole check at most three times as long): short, since a camera that slow is worth a warning anyway. Seconds each PTZ request may take (the whole call at most three times as long): an operator holding a key learns soon that the camera does not answer. called on the feeding thread when the player fell behind and dropped a GOP Makes a player that calls its argument (on a libvlc thread) when its first picture is ready. a _Call, from any thread keyframes only because the workstation could not keep up (not because the tile asked) degrades streams to keyframes only when the workstation cannot decode them all</extracomment>
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
      <source>Open the surveillance register</source>
      <translation>Öppna registret över kamerabevakning</translation>
    </message>
    <message>
      <source>Surveillance &amp;register…</source>
      <translation>&amp;Register över kamerabevakning…</translation>
    </message>
    <message>
      <source>Alarms: %1 new, %2 acknowledged</source>
      <translation>Larm: %1 nya, %2 kvitterade</translation>
    </message>
    <message>
      <source>Loading the alarms …</source>
      <translation>Läser in larmen …</translation>
    </message>
    <message numerus="yes">
      <source>%n new alarm(s)</source>
      <translation>
        <numerusform>%n nytt larm</numerusform>
        <numerusform>%n nya larm</numerusform>
      </translation>
    </message>
    <message>
      <source>&amp;Subject access cases…</source>
      <translation>&amp;Registerutdrag…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="101" />
      <source>Utkik – %1</source>
      <extracomment>The permission each menu action needs; the others are open to everyone logged in. the person asked to lock the console the password typed on the lock screen log out and show the login "sv" or "en" "dark" or "light" open user management open the access-log viewer open the wizard that finds and adds cameras play back recorded video: True for the live grid's layout as it is, False to choose the cameras the supervisor asks for the evidence locks the person closed the window (Quit, or the window manager's close button)</extracomment>
      <translation>Utkik – %1</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="107" />
      <source>The video grid appears here once cameras have been added.</source>
      <translation>Videorutnätet visas här när kameror har lagts till.</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="109" />
      <source>Live video is not part of your role.</source>
      <translation>Livevideo ingår inte i din roll.</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="128" />
      <source>&amp;Bring the live video back</source>
      <extracomment>red while recording is paused (a full disk), amber for a warning; hidden when all is well shown in the central area while the grid is on another screen</extracomment>
      <translation>&amp;Hämta tillbaka livevideon</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="145" />
      <source>Sites and cameras</source>
      <extracomment>docks that were visible before full screen hid them</extracomment>
      <translation>Platser och kameror</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="147" />
      <source>Alarms</source>
      <translation>Larm</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="151" />
      <source>Lighting</source>
      <translation>Belysning</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="155" />
      <source>Log</source>
      <translation>Logg</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="155" />
      <source>The event log is not available yet.</source>
      <translation>Händelseloggen finns inte ännu.</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="164" />
      <source>Logged in as %1 (%2)</source>
      <translation>Inloggad som %1 (%2)</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="187" />
      <source>&amp;Console</source>
      <extracomment>what the recording engine does (how many cameras, or which process records)</extracomment>
      <translation>&amp;Konsol</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="188" />
      <source>&amp;Lock</source>
      <translation>&amp;Lås</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="191" />
      <source>&amp;Switch user…</source>
      <translation>&amp;Byt användare…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="195" />
      <source>&amp;Quit</source>
      <translation>&amp;Avsluta</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="199" />
      <source>&amp;View</source>
      <translation>&amp;Visa</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="203" />
      <source>&amp;Full screen</source>
      <translation>&amp;Helskärm</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="211" />
      <source>&amp;Theme</source>
      <translation>&amp;Tema</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="213" />
      <source>Dark</source>
      <translation>Mörkt</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="213" />
      <source>Light</source>
      <translation>Ljust</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="220" />
      <source>&amp;Language</source>
      <translation>&amp;Språk</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="233" />
      <source>&amp;Add cameras…</source>
      <translation>&amp;Lägg till kameror…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="240" />
      <source>Ca&amp;meras</source>
      <translation>Ka&amp;meror</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="245" />
      <source>&amp;Play back recorded video…</source>
      <translation>&amp;Spela upp inspelad video…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="249" />
      <source>Play back this &amp;layout</source>
      <translation>Spela upp den här &amp;layouten</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="255" />
      <source>&amp;Evidence locks…</source>
      <translation>&amp;Bevisskydd…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="259" />
      <source>Play&amp;back</source>
      <translation>&amp;Uppspelning</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="266" />
      <source>&amp;Administration</source>
      <translation>&amp;Administration</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="268" />
      <source>&amp;Users…</source>
      <translation>&amp;Användare…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="270" />
      <source>&amp;Access log…</source>
      <translation>Å&amp;tkomstlogg…</translation>
    </message>
    <message>
      <location filename="../../ui/main_window.py" line="369" />
      <source>The live video is on screen %1.</source>
      <translation>Livevideon visas på skärm %1.</translation>
    </message>
    <message>
      <source>E&amp;xport requests…</source>
      <translation>E&amp;xportbegäranden…</translation>
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
    <name>PlacePage</name>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1127" />
      <source>Place and name</source>
      <extracomment>The name field holds what the wizard suggested (it follows the place), not a typed one.</extracomment>
      <translation>Plats och namn</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1128" />
      <source>Where the camera is, and the name operators will know it by.</source>
      <translation>Var kameran sitter, och namnet som operatörerna känner den under.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1140" />
      <source>Camera</source>
      <translation>Kamera</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1141" />
      <source>&amp;Place</source>
      <translation>&amp;Plats</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1142" />
      <source>&amp;Name</source>
      <translation>&amp;Namn</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1165" />
      <source>There is no place you may add cameras to.</source>
      <translation>Det finns ingen plats där du får lägga till kameror.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1229" />
      <source>Saving …</source>
      <translation>Sparar …</translation>
    </message>
  </context>
  <context>
    <name>PlanChart</name>
    <message>
      <location filename="../../ui/lighting_chart.py" line="1" />
      <source>sunrise %1</source>
      <translation>soluppgång %1</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_chart.py" line="1" />
      <source>sunset %1</source>
      <translation>solnedgång %1</translation>
    </message>
  </context>
  <context>
    <name>PlaybackTile</name>
    <message>
      <location filename="../../ui/playback.py" line="679" />
      <source>Camera %1</source>
      <extracomment>the access-log entry is being written, or the first pictures are on their way no video backend on this workstation Caption strip colours by state: (background, text), as the live tiles have them. Recorded video is marked apart from live video: an amber time in the caption. (token of the stream, FeedStatus) the person pressed the tile recorded time shown by the streams already closed (a change of speed reopens them) the clock is paused (set by the window)</extracomment>
      <translation>Kamera %1</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="685" />
      <source>opening</source>
      <translation>öppnar</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="686" />
      <source>▶ playing</source>
      <translation>▶ spelar</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="687" />
      <source>❚❚ paused</source>
      <translation>❚❚ pausad</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="688" />
      <source>no recording</source>
      <translation>ingen inspelning</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="689" />
      <source>not permitted</source>
      <translation>ej tillåtet</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="690" />
      <source>error</source>
      <translation>fel</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="691" />
      <source>video not available</source>
      <translation>ingen video</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="701" />
      <source>The recording cannot be shown.</source>
      <translation>Inspelningen kan inte visas.</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="704" />
      <source>Opening the recording…</source>
      <translation>Öppnar inspelningen…</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="707" />
      <source>No recording at this time.</source>
      <translation>Ingen inspelning vid den här tiden.</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="708" />
      <source>Video not available on this workstation.</source>
      <translation>Video kan inte visas på den här arbetsstationen.</translation>
    </message>
  </context>
  <context>
    <name>PlaybackWindow</name>
    <message>
      <location filename="../../ui/playback.py" line="736" />
      <source>Utkik – recorded video – %1</source>
      <extracomment>the window closed; its access-log entries are ending the person asked for live video again (the window closes too)</extracomment>
      <translation>Utkik – inspelad video – %1</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="851" />
      <source>Go to the start of the view</source>
      <extracomment>the layout's media time, shared by every tile's feeder place id → name, for the tiles' captions</extracomment>
      <translation>Gå till början av det som visas</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="856" />
      <source>One frame back</source>
      <translation>En bildruta bakåt</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="858" />
      <source>Play backwards</source>
      <translation>Spela baklänges</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="860" />
      <source>Play or pause</source>
      <translation>Spela eller pausa</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="864" />
      <source>One frame forward</source>
      <translation>En bildruta framåt</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="869" />
      <source>Pause</source>
      <translation>Paus</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="872" />
      <source>Backwards, faster at each press</source>
      <translation>Bakåt, snabbare för varje tryck</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="878" />
      <source>Forwards, faster at each press</source>
      <translation>Framåt, snabbare för varje tryck</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="882" />
      <source>Slower</source>
      <translation>Långsammare</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="883" />
      <source>Faster</source>
      <translation>Snabbare</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="893" />
      <source>&amp;Live</source>
      <translation>&amp;Live</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="893" />
      <source>Live</source>
      <translation>Live</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="900" />
      <source>Speed ([ slower, ] faster)</source>
      <translation>Hastighet ([ långsammare, ] snabbare)</translation>
    </message>
    <message numerus="yes">
      <location filename="../../ui/playback.py" line="1023" />
      <source>Operators may play back the last %n hour(s) only: moved to the earliest time allowed.</source>
      <translation>
        <numerusform>Operatörer får bara spela upp den senaste %n timmen: flyttat till den tidigaste tillåtna tiden.</numerusform>
        <numerusform>Operatörer får bara spela upp de senaste %n timmarna: flyttat till den tidigaste tillåtna tiden.</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="1211" />
      <source>Playback reached the present. Choose Live for live video.</source>
      <translation>Uppspelningen har nått nuet. Välj Live för livevideo.</translation>
    </message>
    <message>
      <source>Export…</source>
      <translation>Exportera…</translation>
    </message>
    <message>
      <source>Request an &amp;export of what the timeline shows…</source>
      <translation>Begär &amp;export av det tidslinjen visar…</translation>
    </message>
  </context>
  <context>
    <name>PtzPad</name>
    <message>
      <location filename="../../ui/tile.py" line="591" />
      <source>Drag on the picture, hold an arrow key (with Shift: faster) or + and − to move the camera; it stops when you let go.</source>
      <extracomment>A tile dragged onto another (to swap them) carries its serial number in this format. What the live.view entries say the look was for. How often a tile looks whether libvlc has fitted its window to a new size (only while it waits for that: after a stream's first picture, and under the curtain). libvlc fits its window to the tile within a picture or two: a stream whose window is not fitted after this long is shown anyway, and the curtain lifted. How long a stream's first picture waits for libvlc to place its window after making it. The curtain stays at least this long when the tile's size does not change at all (it was put up before a layout that turned out to keep the tile's size). libvlc rounds the picture's size: a pixel or two short of the window still fills it. (pan, tilt, zoom), each -1..1: positive is right, up and in. A held move is renewed this often. The adapter's moves end by themselves after 2 s (devices/ptz.py, MOVE_TIMEOUT_S) so that a stop lost with a crashed console or a dropped network cannot leave a camera turning; a key held longer must say so again. At most one move command this often (5 a second) while a drag keeps changing the speed: only the latest speed is sent, so a slow camera never works through a queue of stale ones. The speed of the keys and pad buttons; with Shift, the keys go at full speed. A drag nearer than this to where it began (a share of half the picture) does not move: a click or the first press of a double-click is not a move. The keys that move a maximized PTZ tile's camera while held: arrows, the number pad (with Num Lock) and + / - for the zoom. a task of ours is on a worker (opening, a command, or letting go) what each input (keys, mouse, pad) asks for the velocity the camera was last told the gesture going on was refused (its entry, or its first command, failed) a Velocity while a button is held, STILL when it is let go the Stop button was clicked a PtzPreset to go to</extracomment>
      <translation>Dra i bilden, håll ned en piltangent (med Skift: snabbare) eller + och − för att flytta kameran; den stannar när du släpper.</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="602" />
      <source>Pan left</source>
      <translation>Panorera åt vänster</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="603" />
      <source>Tilt up</source>
      <translation>Tilta uppåt</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="604" />
      <source>Tilt down</source>
      <translation>Tilta nedåt</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="605" />
      <source>Pan right</source>
      <translation>Panorera åt höger</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="606" />
      <source>Zoom in</source>
      <translation>Zooma in</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="607" />
      <source>Zoom out</source>
      <translation>Zooma ut</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="613" />
      <source>Stop</source>
      <translation>Stopp</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="613" />
      <source>Stop the camera</source>
      <translation>Stoppa kameran</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="622" />
      <source>Go</source>
      <translation>Gå dit</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="622" />
      <source>Go to the chosen preset</source>
      <translation>Flytta kameran till den valda förinställda positionen</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="646" />
      <source>No presets</source>
      <translation>Inga förinställningar</translation>
    </message>
  </context>
  <context>
    <name>ReasonDialog</name>
    <message>
      <source>%1 (removed)</source>
      <translation>%1 (borttagen)</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="280" />
      <source>Play back recorded video</source>
      <extracomment>A new playback starts this long before now: what just happened, with a little before it. The timeline first shows this much before and after the start. Frame step: the cameras' usual rate (PAL 25 fps); a step at most one picture of a 30 fps one. How often the cursor, the tiles' times and their states follow the clock. The timeline's rows are fetched this long after the view last changed (a drag or a wheel changes it many times a second; one query per pause). The rows are fetched again this often, so that recording going on shows. At shutdown, how long the playback.view end entries still being written are waited for. The grids chosen cameras are shown in: the smallest square that holds them. At most this many cameras play back together (a 5 × 5 grid). pictures are being handed over nothing is recorded at the clock's position the recording cannot be read why (for ERROR): a core message template (console.errors.N_), shown translated None: video is not available on this workstation how far back the person may go (None: no limit), as of when asked</extracomment>
      <translation>Spela upp inspelad video</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="283" />
      <source>Every playback is written to the access log with your name, the cameras and the reason you give here.</source>
      <translation>Varje uppspelning skrivs i åtkomstloggen med ditt namn, kamerorna och skälet du anger här.</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="290" />
      <source>Choose a reason…</source>
      <translation>Välj ett skäl…</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="299" />
      <source>Details: what happened, an alarm or case number</source>
      <translation>Detaljer: vad som hände, ett larm- eller ärendenummer</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="301" />
      <source>&amp;Reason:</source>
      <translation>&amp;Skäl:</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="302" />
      <source>&amp;Details:</source>
      <translation>&amp;Detaljer:</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="315" />
      <source>&amp;Cameras:</source>
      <translation>&amp;Kameror:</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="324" />
      <source>&amp;Play back</source>
      <translation>&amp;Spela upp</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="358" />
      <source>Choose a reason or write one.</source>
      <translation>Välj ett skäl eller skriv ett.</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="362" />
      <source>Choose at least one camera.</source>
      <translation>Välj minst en kamera.</translation>
    </message>
    <message>
      <location filename="../../ui/playback.py" line="364" />
      <source>At most %1 cameras play back together.</source>
      <translation>Högst %1 kameror kan spelas upp samtidigt.</translation>
    </message>
  </context>
  <context>
    <name>ScanPage</name>
    <message>
      <location filename="../../ui/camera_wizard.py" line="341" />
      <source>Find cameras</source>
      <extracomment>The camera sent something that does not decode as a picture. The camera offers nothing to take this picture from. a DiscoveredDevice, the moment it answered (addresses done, addresses in all) of a range scan</extracomment>
      <translation>Hitta kameror</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="344" />
      <source>Search the network, scan a range of addresses where the search does not reach, or enter a camera's address. Then pick the camera to add.</source>
      <translation>Sök i nätverket, avsök ett adressintervall dit sökningen inte når, eller ange en kameras adress. Välj sedan kameran som ska läggas till.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="357" />
      <source>Search the &amp;network (WS-Discovery)</source>
      <extracomment>Every search's bridge, kept while the page lives: a worker may still emit on one after its search was cancelled, and must never find it deleted.</extracomment>
      <translation>Sök i nät&amp;verket (WS-Discovery)</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="361" />
      <source>All interfaces</source>
      <translation>Alla gränssnitt</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="362" />
      <source>Scan an address &amp;range</source>
      <translation>Avsök ett adress&amp;intervall</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="366" />
      <source>192.168.1.10-192.168.1.60 or 192.168.1.0/24</source>
      <translation>192.168.1.10-192.168.1.60 eller 192.168.1.0/24</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="370" />
      <source>The ports to ask for ONVIF at, separated by commas</source>
      <translation>Portarna att fråga efter ONVIF på, åtskilda med kommatecken</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="371" />
      <source>Enter an &amp;address</source>
      <translation>Ange en &amp;adress</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="375" />
      <source>host name or IP address</source>
      <translation>värdnamn eller IP-adress</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="392" />
      <source>&amp;Search</source>
      <translation>&amp;Sök</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="399" />
      <source>Cancel search</source>
      <translation>Avbryt sökningen</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="408" />
      <source>Name</source>
      <translation>Namn</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="408" />
      <source>Address</source>
      <translation>Adress</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="408" />
      <source>Model</source>
      <translation>Modell</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="408" />
      <source>Found by</source>
      <translation>Hittad genom</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="425" />
      <source>&amp;Ports</source>
      <translation>&amp;Portar</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="431" />
      <source>P&amp;ort</source>
      <translation>Po&amp;rt</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="483" />
      <source>for example %1 or 192.168.1.10-60</source>
      <translation>till exempel %1 eller 192.168.1.10-60</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="512" />
      <source>Enter the addresses to scan, such as 192.168.1.10-60.</source>
      <translation>Ange adresserna som ska avsökas, till exempel 192.168.1.10-60.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="514" />
      <source>The ports must be numbers from 1 to 65535, such as 80, 8080.</source>
      <translation>Portarna måste vara tal från 1 till 65535, till exempel 80, 8080.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="561" />
      <source>Search cancelled.</source>
      <translation>Sökningen avbröts.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="573" />
      <source>Searching …</source>
      <translation>Söker …</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="598" />
      <source>This camera has been added already as “%1”.</source>
      <translation>Den här kameran är redan tillagd som ”%1”.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="605" />
      <source>No cameras answered.</source>
      <translation>Inga kameror svarade.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="607" />
      <source>Cameras found: %1.</source>
      <translation>Hittade kameror: %1.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="668" />
      <source>added already as “%1”</source>
      <translation>redan tillagd som ”%1”</translation>
    </message>
    <message>
      <source>reports %1</source>
      <translation>uppger %1</translation>
    </message>
  </context>
  <context>
    <name>ScheduleEditor</name>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>Level at night</source>
      <translation>Nivå på natten</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>Level by day</source>
      <translation>Nivå på dagen</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>Off</source>
      <translation>Släck</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>On</source>
      <translation>Tänd</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>One time-of-day level a line, within the night: start-end, the weekdays (mon-fri, sat,sun; all when left out) and the level in percent. A later line wins where two overlap.</source>
      <translation>En nivå för en tid på dygnet per rad, inom natten: start-slut, veckodagarna (mån-fre, lör,sön; alla om de utelämnas) och nivån i procent. En senare rad gäller där två överlappar.</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>Preview of</source>
      <translation>Förhandsvisning av</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>Schedule of %1</source>
      <translation>Schema för %1</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>Time-of-day levels</source>
      <translation>Nivåer efter tid på dygnet</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>at dawn (civil)</source>
      <translation>vid gryning (borgerlig)</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>at dusk (civil)</source>
      <translation>vid skymning (borgerlig)</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>at sunrise</source>
      <translation>vid soluppgång</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>at sunset</source>
      <translation>vid solnedgång</translation>
    </message>
    <message>
      <location filename="../../ui/lighting_schedule.py" line="1" />
      <source>e.g. 01:00-05:00 mon-fri 50</source>
      <translation>t.ex. 01:00-05:00 mån-fre 50</translation>
    </message>
  </context>
  <context>
    <name>SitesModel</name>
    <message>
      <source>not in the register</source>
      <translation>ej i registret</translation>
    </message>
    <message>
      <source>This camera's entry in the surveillance register is not complete: it is not recorded, and operators and supervisors do not see it, until an administrator completes it.</source>
      <translation>Kamerans post i registret över kamerabevakning är inte komplett: den spelas inte in, och operatörer och arbetsledare ser den inte, förrän en administratör har fyllt i den.</translation>
    </message>
    <message>
      <source>Register</source>
      <translation>Register</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="120" />
      <source>Sites and cameras</source>
      <extracomment>The camera row's health state: one of HEALTH_STATES. A camera dragged from the tree: its id as ASCII digits. Colours of the states, mid-tones readable on the dark and the light theme.</extracomment>
      <translation>Platser och kameror</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="120" />
      <source>Status</source>
      <translation>Status</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="120" />
      <source>Transport</source>
      <translation>Förbindelse</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="147" />
      <source>No permission for this area</source>
      <translation>Behörighet saknas för detta område</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="184" />
      <source>insecure</source>
      <translation>osäker</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="188" />
      <source>Reached over plain HTTP: the camera's answers and its video cross the network unencrypted.</source>
      <translation>Nås över okrypterad HTTP: kamerans svar och dess video går okrypterade över nätverket.</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="212" />
      <source>Cannot check</source>
      <translation>Kan inte kontrolleras</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="220" />
      <source>Not checked yet</source>
      <translation>Inte kontrollerad än</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="221" />
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="222" />
      <source>Unreachable</source>
      <translation>Går inte att nå</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="223" />
      <source>Stream fails</source>
      <translation>Strömmen fungerar inte</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="224" />
      <source>Clock off</source>
      <translation>Klockan går fel</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="228" />
      <source>Clock off (%1 s)</source>
      <translation>Klockan går fel (%1 s)</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="232" />
      <source>Checked %1</source>
      <translation>Kontrollerad %1</translation>
    </message>
  </context>
  <context>
    <name>SitesPanel</name>
    <message>
      <location filename="../../ui/sites_panel.py" line="305" />
      <source>&amp;Test now</source>
      <extracomment>camera id: check its health now (camera id, new name) camera id, removal confirmed</extracomment>
      <translation>&amp;Testa nu</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="306" />
      <source>&amp;Rename…</source>
      <translation>Byt &amp;namn…</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="308" />
      <source>Re&amp;move…</source>
      <translation>Ta &amp;bort…</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="417" />
      <source>Rename camera</source>
      <translation>Byt namn på kamera</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="418" />
      <source>New name for “%1”:</source>
      <translation>Nytt namn på ”%1”:</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="427" />
      <source>Remove camera</source>
      <translation>Ta bort kamera</translation>
    </message>
    <message>
      <location filename="../../ui/sites_panel.py" line="429" />
      <source>Remove the camera “%1” (%2) from Utkik? Its login is deleted from the keyring. The removal is written to the access log.</source>
      <translation>Ta bort kameran ”%1” (%2) från Utkik? Dess inloggning raderas ur nyckelringen. Borttagningen skrivs i åtkomstloggen.</translation>
    </message>
  </context>
  <context>
    <name>SnoozeDialog</name>
    <message>
      <source> min</source>
      <translation> min</translation>
    </message>
    <message>
      <source>Events from %1 raise no alarm until the snooze ends.</source>
      <translation>Händelser från %1 ger inga larm förrän tystningen upphör.</translation>
    </message>
    <message>
      <source>For</source>
      <translation>Hur länge</translation>
    </message>
    <message>
      <source>Reason</source>
      <translation>Skäl</translation>
    </message>
    <message>
      <source>Snooze source</source>
      <translation>Tysta källa</translation>
    </message>
  </context>
  <context>
    <name>TestPage</name>
    <message>
      <location filename="../../ui/camera_wizard.py" line="797" />
      <source>Test the camera</source>
      <translation>Testa kameran</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="800" />
      <source>Utkik asks the camera what it is and what it offers, then takes its snapshot and one picture of its live video. Looking at the live picture is logged.</source>
      <translation>Utkik frågar kameran vad den är och vad den erbjuder, och tar sedan dess ögonblicksbild och en bild ur dess livevideo. Att titta på livebilden loggas.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="805" />
      <source>Connect and log in</source>
      <translation>Anslut och logga in</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="806" />
      <source>What the camera offers</source>
      <translation>Vad kameran erbjuder</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="807" />
      <source>Snapshot</source>
      <translation>Ögonblicksbild</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="808" />
      <source>Live picture (one keyframe)</source>
      <translation>Livebild (en nyckelbild)</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="810" />
      <source>Test &amp;again</source>
      <translation>Testa &amp;igen</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="823" />
      <source>Snapshot (from the camera)</source>
      <translation>Ögonblicksbild (från kameran)</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="824" />
      <source>Live picture (decoded keyframe)</source>
      <translation>Livebild (avkodad nyckelbild)</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="835" />
      <source>Manufacturer</source>
      <translation>Tillverkare</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="836" />
      <source>Model</source>
      <translation>Modell</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="837" />
      <source>Firmware</source>
      <translation>Firmware</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="838" />
      <source>Main stream</source>
      <translation>Huvudström</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="839" />
      <source>Sub stream</source>
      <translation>Delström</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="840" />
      <source>PTZ</source>
      <translation>PTZ</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="841" />
      <source>Events</source>
      <translation>Händelser</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="842" />
      <source>Relay outputs</source>
      <translation>Reläutgångar</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="843" />
      <source>Clock offset</source>
      <translation>Klockavvikelse</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="844" />
      <source>Transport</source>
      <translation>Förbindelse</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="851" />
      <source>Insecure transport</source>
      <translation>Osäker förbindelse</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="855" />
      <source>The camera is reached over plain HTTP: its answers, and the video, cross the network unencrypted.</source>
      <translation>Kameran nås över okrypterad HTTP: dess svar, och videon, går okrypterade över nätverket.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="928" />
      <location filename="../../ui/camera_wizard.py" line="1023" />
      <source>testing …</source>
      <translation>testar …</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="950" />
      <location filename="../../ui/camera_wizard.py" line="1102" />
      <location filename="../../ui/camera_wizard.py" line="1106" />
      <source>failed</source>
      <translation>misslyckades</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="959" />
      <location filename="../../ui/camera_wizard.py" line="1018" />
      <location filename="../../ui/camera_wizard.py" line="1090" />
      <source>OK</source>
      <translation>OK</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="976" />
      <source>HTTPS</source>
      <translation>HTTPS</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="976" />
      <source>plain HTTP</source>
      <translation>okrypterad HTTP</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="988" />
      <source>The camera's clock is %1 off, more than 2 s: set its time (NTP). Evidence timestamps and logins depend on it.</source>
      <translation>Kamerans klocka går %1 fel, mer än 2 s: ställ in dess tid (NTP). Tidsstämplar i bevis och inloggningar beror på den.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="995" />
      <source>The camera names another host (%1) for its video or snapshot. That address was not contacted; check the camera's network settings.</source>
      <translation>Kameran anger en annan värd (%1) för sin video eller ögonblicksbild. Den adressen kontaktades inte; kontrollera kamerans nätverksinställningar.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1001" />
      <source>The camera is reached over plain HTTP: its traffic is not encrypted.</source>
      <translation>Kameran nås över okrypterad HTTP: dess trafik är inte krypterad.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1008" />
      <source>Problems:</source>
      <translation>Problem:</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1013" />
      <source>clock off</source>
      <translation>klockan fel</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1013" />
      <source>The clock is too far off.</source>
      <translation>Klockan går för mycket fel.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1016" />
      <source>incomplete</source>
      <translation>ofullständigt</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1077" />
      <source>not shown</source>
      <translation>visas inte</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1078" />
      <location filename="../../ui/camera_wizard.py" line="1107" />
      <source>No picture.</source>
      <translation>Ingen bild.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1095" />
      <source>The camera gives no snapshot address.</source>
      <translation>Kameran anger ingen adress för ögonblicksbilder.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1097" />
      <source>The camera gives no stream address.</source>
      <translation>Kameran anger ingen strömadress.</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1099" />
      <source>none</source>
      <translation>saknas</translation>
    </message>
    <message>
      <location filename="../../ui/camera_wizard.py" line="1102" />
      <source>What the camera sent is not a picture.</source>
      <translation>Det kameran skickade är ingen bild.</translation>
    </message>
  </context>
  <context>
    <name>TimelineWidget</name>
    <message>
      <location filename="../../ui/timeline.py" line="445" />
      <source>Timeline</source>
      <extracomment>alarms and bookmarks: (moment, what it is) (start, end), UTC: the view changed (zoom, pan, follow, set_view); fetch rows for it. Emitted on every change, also while dragging: owners coalesce their fetches. a UTC time the operator is dragging the cursor over (at most one per 50 ms): show a picture a UTC time to play from: the end of a scrub, or a "go to" the key of the row the operator clicked or chose with ↑ ↓</extracomment>
      <translation>Tidslinje</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="448" />
      <source>Recorded video of the cameras over time. Left and right pan, plus and minus zoom, Home shows now, End shows the cursor, up and down choose a camera, Ctrl+G goes to a time.</source>
      <translation>Kamerornas inspelade video över tid. Vänster- och högerpil panorerar, plus och minus zoomar, Home visar nu, End visar markören, upp- och nedpil väljer kamera, Ctrl+G går till en tid.</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="473" />
      <source>&amp;Go to time…</source>
      <extracomment>what a left or pan press is doing: None, "scrub", "pan" or "label"</extracomment>
      <translation>&amp;Gå till tid…</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="741" />
      <source>No cameras</source>
      <translation>Inga kameror</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="767" />
      <location filename="../../ui/timeline.py" line="809" />
      <source>No recording</source>
      <translation>Ingen inspelning</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="811" />
      <source>Recorded</source>
      <translation>Inspelat</translation>
    </message>
    <message>
      <location filename="../../ui/timeline.py" line="813" />
      <source>Not recorded</source>
      <translation>Inte inspelat</translation>
    </message>
  </context>
  <context>
    <name>TourDialog</name>
    <message>
      <location filename="../../ui/grid.py" line="1034" />
      <source>New tour</source>
      <translation>Ny rundtur</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="1046" />
      <source> s</source>
      <translation> s</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="1048" />
      <source>Name:</source>
      <translation>Namn:</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="1049" />
      <source>Layouts:</source>
      <translation>Layouter:</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="1050" />
      <source>Each shown for:</source>
      <translation>Var och en visas i:</translation>
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
    <name>VideoGrid</name>
    <message>
      <location filename="../../ui/grid.py" line="238" />
      <source>&amp;Custom grid…</source>
      <extracomment>The presets in the order of their keys, Alt+1 … Alt+7. The grid a user starts with. A new tour shows each layout this long unless told otherwise. Characters a file name cannot hold on one of the desktops (Windows is the strictest). a screen index: move the grid to its own window there; -1: back into the main window a short line for the status bar (a layout saved, a tour started) open the user's first saved layout once it is loaded (the demo's overview) PTZ and snapshots; None: neither is offered place id → name, shared with the tiles for their captions camera ids in the sites tree's order (for PageUp/PageDown) the saved layout shown (Ctrl+S saves over it), if any the tour T starts: the last one started</extracomment>
      <translation>&amp;Eget rutnät…</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="242" />
      <source>&amp;Save layout</source>
      <translation>&amp;Spara layout</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="246" />
      <source>Save layout &amp;as…</source>
      <translation>Spara layout s&amp;om…</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="252" />
      <source>Start or stop the &amp;tour</source>
      <translation>Starta eller stoppa &amp;rundturen</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="255" />
      <source>Tour</source>
      <translation>Rundtur</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="256" />
      <source>&amp;New tour…</source>
      <translation>&amp;Ny rundtur…</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="258" />
      <source>&amp;Maximize tile</source>
      <translation>&amp;Maximera ruta</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="260" />
      <source>&amp;Restore tile</source>
      <translation>&amp;Återställ ruta</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="261" />
      <source>&amp;Empty tile</source>
      <translation>Töm rut&amp;a</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="263" />
      <source>&amp;Previous camera</source>
      <translation>&amp;Föregående kamera</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="266" />
      <source>Ne&amp;xt camera</source>
      <translation>N&amp;ästa kamera</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="284" />
      <source>&amp;Back to the main window</source>
      <translation>&amp;Tillbaka till huvudfönstret</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="290" />
      <source>Save a s&amp;napshot…</source>
      <translation>Spara en ögonblicks&amp;bild…</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="295" />
      <source>Snapshot</source>
      <translation>Ögonblicksbild</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="296" />
      <source>Save a picture of the selected tile's camera (Ctrl+P)</source>
      <translation>Spara en bild från den valda rutans kamera (Ctrl+P)</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="298" />
      <source>&amp;Grid</source>
      <translation>R&amp;utnät</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="302" />
      <source>&amp;Open layout</source>
      <translation>&amp;Öppna layout</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="303" />
      <source>&amp;Delete layout</source>
      <translation>&amp;Ta bort layout</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="304" />
      <source>T&amp;ours</source>
      <translation>Run&amp;dturer</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="305" />
      <source>D&amp;elete tour</source>
      <translation>Ta &amp;bort rundtur</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="306" />
      <source>Move to &amp;screen</source>
      <translation>F&amp;lytta till skärm</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="313" />
      <source>&amp;Layout</source>
      <translation>&amp;Layout</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="363" />
      <source>No saved layouts</source>
      <translation>Inga sparade layouter</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="382" />
      <source>Screen %1: %2 (%3 × %4)</source>
      <translation>Skärm %1: %2 (%3 × %4)</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="661" />
      <source>Select a tile showing a camera first.</source>
      <translation>Välj först en ruta som visar en kamera.</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="665" />
      <source>You may not take snapshots of %1.</source>
      <translation>Du får inte ta ögonblicksbilder från %1.</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="689" />
      <source>The snapshot could not be saved as %1: %2</source>
      <translation>Ögonblicksbilden kunde inte sparas som %1: %2</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="691" />
      <source>Saved a snapshot of %1 as %2.</source>
      <translation>Sparade en ögonblicksbild från %1 som %2.</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="730" />
      <source>Saved the layout “%1”.</source>
      <translation>Layouten ”%1” har sparats.</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="789" />
      <source>Replace the saved layout “%1”?</source>
      <translation>Ersätta den sparade layouten ”%1”?</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="799" />
      <source>Delete the saved layout “%1”?</source>
      <translation>Ta bort den sparade layouten ”%1”?</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="820" />
      <source>The tour “%1” has no layouts left.</source>
      <translation>Rundturen ”%1” har inga layouter kvar.</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="831" />
      <source>Tour “%1” started.</source>
      <translation>Rundturen ”%1” har startats.</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="859" />
      <source>No tours saved yet: make one with Layout ▸ Tours ▸ New tour…</source>
      <translation>Inga rundturer sparade ännu: gör en med Layout ▸ Rundturer ▸ Ny rundtur…</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="866" />
      <source>Save a layout first: a tour shows saved layouts.</source>
      <translation>Spara en layout först: en rundtur visar sparade layouter.</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="879" />
      <source>Saved the tour “%1”.</source>
      <translation>Rundturen ”%1” har sparats.</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="885" />
      <source>Delete the tour “%1”?</source>
      <translation>Ta bort rundturen ”%1”?</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="895" />
      <source>Tour “%1”: %2 (%3 of %4)</source>
      <translation>Rundtur ”%1”: %2 (%3 av %4)</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="910" />
      <source>Save layout</source>
      <translation>Spara layout</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="911" />
      <source>Name of the layout:</source>
      <translation>Layoutens namn:</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="919" />
      <source>Save snapshot</source>
      <translation>Spara ögonblicksbild</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="919" />
      <source>JPEG pictures (*.jpg *.jpeg)</source>
      <translation>JPEG-bilder (*.jpg *.jpeg)</translation>
    </message>
    <message>
      <location filename="../../ui/grid.py" line="926" />
      <source>Layouts</source>
      <translation>Layouter</translation>
    </message>
  </context>
  <context>
    <name>VideoTile</name>
    <message>
      <source>not in the register</source>
      <translation>ej i registret</translation>
    </message>
    <message>
      <source>This camera's entry in the surveillance register is not complete: it is not recorded, and operators and supervisors do not see it, until an administrator completes it.</source>
      <translation>Kamerans post i registret över kamerabevakning är inte komplett: den spelas inte in, och operatörer och arbetsledare ser den inte, förrän en administratör har fyllt i den.</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1153" />
      <source>key frames</source>
      <extracomment>waiting for the camera, the log entry or the stream the picture stopped coming; the last one stays, marked the camera is gone (removed from Utkik) no video backend on this workstation the look could not be logged or the stream not opened: nothing is shown Caption strip colours by state: (background, text). Alarm-red stays for alarms. xcb_cw_t XCB_CW_BACK_PIXMAP, and its value XCB_BACK_PIXMAP_NONE. xcb_cw_t XCB_CW_BACK_PIXEL not on X11: nothing to know libvlc has made no window in it (yet) exactly as large: how libvlc makes its window, before it places the picture in it (or a picture of exactly the video window's shape) as large as fits, centred: libvlc's next picture is drawn at this size another size (the stream's own, or the tile's before it was resized) None where the video windows are not X11 windows its first picture is on screen a _Report with a status a _Report: that stream's first picture is on screen the person pressed the tile (to select it) the person double-clicked the tile (to maximize or restore it) a QMimeData dropped on the tile (a camera from the tree, or another tile) the tile's state changed (a TileState) the camera shown (or asked for), and what is known of it the tile wants the main stream (it is maximized, or big in its layout) the video is stopped (the console is locked) but the camera stays assigned bumped whenever the tile turns to another camera (or stops): late answers are dropped the surface the front stream is drawn into the tile fills the grid the camera's PTZ while it is offered; the keys held and the drag going on streams whose first picture is out, until libvlc has fitted its window: token → (when the picture came, when to show them anyway) while the curtain is up: when it went up, the front surface's size then, and when to lift it at the latest</extracomment>
      <translation>nyckelbilder</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1156" />
      <source>The camera has no sub stream: this small tile shows only the main stream's key frames (about one picture a second).</source>
      <translation>Kameran har ingen delström: den här lilla rutan visar bara huvudströmmens nyckelbilder (ungefär en bild i sekunden).</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1160" />
      <source>This workstation cannot decode every stream now: this tile shows only key frames (about one picture a second) until there is room again.</source>
      <translation>Arbetsstationen hinner inte avkoda alla strömmar just nu: den här rutan visar bara nyckelbilder (ungefär en bild i sekunden) tills det finns utrymme igen.</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1165" />
      <source>● REC</source>
      <translation>● INSP</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1439" />
      <source>The camera reported no video stream.</source>
      <translation>Kameran angav ingen videoström.</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1778" />
      <source>Camera %1</source>
      <translation>Kamera %1</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1786" />
      <source>connecting</source>
      <translation>ansluter</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1787" />
      <source>● live</source>
      <translation>● live</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1788" />
      <source>offline</source>
      <translation>frånkopplad</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1789" />
      <source>no permission</source>
      <translation>ingen behörighet</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1790" />
      <source>removed</source>
      <translation>borttagen</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1791" />
      <source>video not available</source>
      <translation>ingen video</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1792" />
      <source>not shown</source>
      <translation>visas inte</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1796" />
      <source>STALE</source>
      <translation>FRUSEN</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1797" />
      <source>STALE since %1</source>
      <translation>FRUSEN sedan %1</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1806" />
      <source>Offline: %1</source>
      <translation>Frånkopplad: %1</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1806" />
      <source>Offline</source>
      <translation>Frånkopplad</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1808" />
      <source>Trying again in %1 s</source>
      <translation>Nytt försök om %1 s</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1813" />
      <source>Drag a camera here from the sites tree.</source>
      <translation>Dra hit en kamera från Platser och kameror.</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1814" />
      <location filename="../../ui/tile.py" line="1815" />
      <source>Connecting…</source>
      <translation>Ansluter…</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1816" />
      <source>No permission for this camera.</source>
      <translation>Ingen behörighet för den här kameran.</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1817" />
      <source>This camera has been removed.</source>
      <translation>Den här kameran har tagits bort.</translation>
    </message>
    <message>
      <location filename="../../ui/tile.py" line="1818" />
      <source>Video not available on this workstation.</source>
      <translation>Video kan inte visas på den här arbetsstationen.</translation>
    </message>
  </context>
  <context>
    <name>core</name>
    <message>
      <source>Name the zone the luminaire goes to.</source>
      <translation>Ange zonen som armaturen ska till.</translation>
    </message>
    <message>
      <source>There is no luminaire {light} at {place}.</source>
      <translation>Det finns ingen armatur {light} vid {place}.</translation>
    </message>
    <message>
      <source>There is no lighting zone “{name}”: there are none yet. A zone appears when a luminaire at its place announces itself on the broker.</source>
      <translation>Det finns ingen belysningszon ”{name}”: det finns inga ännu. En zon dyker upp när en armatur på platsen anmäler sig via mäklaren.</translation>
    </message>
    <message>
      <source>Case {id} is in the database, but the access log never logged it.</source>
      <translation>Ärende {id} finns i databasen, men åtkomstloggen har aldrig loggat det.</translation>
    </message>
    <message>
      <source>Case {id} is {state} in the database, but the access log last made it {logged}.</source>
      <translation>Ärende {id} är {state} i databasen, men åtkomstloggen gjorde det senast {logged}.</translation>
    </message>
    <message>
      <source>Case {id} was reviewed by {reviewer} in the database, but by {logged} in the access log.</source>
      <translation>Ärende {id} granskades av {reviewer} enligt databasen, men av {logged} enligt åtkomstloggen.</translation>
    </message>
    <message>
      <source>Case {id} is in the access log but missing from the database.</source>
      <translation>Ärende {id} finns i åtkomstloggen men saknas i databasen.</translation>
    </message>
    <message>
      <source>The clip {path} has no frame {frame}.</source>
      <translation>Klippet {path} har ingen bildruta {frame}.</translation>
    </message>
    <message>
      <source>'exclude' must be a list of track names.</source>
      <translation>'exclude' måste vara en lista med spårnamn.</translation>
    </message>
    <message>
      <source>'margin' must be a whole number of pixels.</source>
      <translation>'margin' måste vara ett helt antal bildpunkter.</translation>
    </message>
    <message>
      <source>'regions' must be a list of regions.</source>
      <translation>'regions' måste vara en lista med områden.</translation>
    </message>
    <message>
      <source>A case covers at most {hours} hours of a camera.</source>
      <translation>Ett ärende omfattar högst {hours} timmar från en kamera.</translation>
    </message>
    <message>
      <source>A field can have at most {limit} characters.</source>
      <translation>Ett fält kan ha högst {limit} tecken.</translation>
    </message>
    <message>
      <source>A keyframe of {name} has no frame number.</source>
      <translation>En nyckelbildruta i {name} saknar bildrutenummer.</translation>
    </message>
    <message>
      <source>A keyframe of {name} needs a box [x, y, width, height].</source>
      <translation>En nyckelbildruta i {name} behöver en ruta [x, y, bredd, höjd].</translation>
    </message>
    <message>
      <source>A keyframe of {name} needs its points [[x, y], …].</source>
      <translation>En nyckelbildruta i {name} behöver sina punkter [[x, y], …].</translation>
    </message>
    <message>
      <source>A mask region must be a JSON object.</source>
      <translation>Ett maskeringsområde måste vara ett JSON-objekt.</translation>
    </message>
    <message>
      <source>A mask region needs a name.</source>
      <translation>Ett maskeringsområde behöver ett namn.</translation>
    </message>
    <message>
      <source>A release is made by a console user, not by {name}.</source>
      <translation>Ett utlämnande görs av en användare i konsolen, inte av {name}.</translation>
    </message>
    <message>
      <source>A review is made by a console user, not by {name}.</source>
      <translation>En granskning görs av en användare i konsolen, inte av {name}.</translation>
    </message>
    <message>
      <source>A text can have at most {limit} characters.</source>
      <translation>En text kan ha högst {limit} tecken.</translation>
    </message>
    <message>
      <source>Blur can leave people recognisable: it is used only when accepted explicitly (--accept-blur-risk).</source>
      <translation>Oskärpa kan lämna personer igenkännbara: den används bara om det godkänns uttryckligen (--accept-blur-risk).</translation>
    </message>
    <message>
      <source>Case {number} cannot be released: a second supervisor has not reviewed and approved its masked copy.</source>
      <translation>Ärende {number} kan inte lämnas ut: ingen andra arbetsledare har granskat och godkänt den maskerade kopian.</translation>
    </message>
    <message>
      <source>Case {number} changed meanwhile (it is now {state}).</source>
      <translation>Ärende {number} har ändrats under tiden (det är nu {state}).</translation>
    </message>
    <message>
      <source>Case {number} holds no footage of camera {camera}.</source>
      <translation>Ärende {number} innehåller inget material från kamera {camera}.</translation>
    </message>
    <message>
      <source>Case {number} is closed.</source>
      <translation>Ärende {number} är avslutat.</translation>
    </message>
    <message>
      <source>Case {number} is {state}: that cannot be done now.</source>
      <translation>Ärende {number} är {state}: det kan inte göras nu.</translation>
    </message>
    <message>
      <source>Case {number} was not reviewed by a second supervisor.</source>
      <translation>Ärende {number} har inte granskats av en andra arbetsledare.</translation>
    </message>
    <message>
      <source>Choose at least one camera.</source>
      <translation>Välj minst en kamera.</translation>
    </message>
    <message>
      <source>Give the name of the person who asks.</source>
      <translation>Ange namnet på den som begär utdraget.</translation>
    </message>
    <message>
      <source>Give the place where the requester says they were filmed.</source>
      <translation>Ange platsen där den som begär utdraget säger sig ha filmats.</translation>
    </message>
    <message>
      <source>Notes can have at most {limit} characters.</source>
      <translation>Anteckningar kan ha högst {limit} tecken.</translation>
    </message>
    <message>
      <source>Nothing of {names} is recorded in that range.</source>
      <translation>Inget från {names} är inspelat i det intervallet.</translation>
    </message>
    <message>
      <source>Nothing of {name} is recorded in the case's range.</source>
      <translation>Inget från {name} är inspelat i ärendets intervall.</translation>
    </message>
    <message>
      <source>OpenCV's face detector could not be loaded.</source>
      <translation>OpenCV:s ansiktsdetektor kunde inte läsas in.</translation>
    </message>
    <message>
      <source>Pixelation can be reversed and is not offered: use solid fill (or blur).</source>
      <translation>Pixelering kan backas och erbjuds inte: använd heltäckande fyllning (eller oskärpa).</translation>
    </message>
    <message>
      <source>Say how the requester's identity was checked.</source>
      <translation>Ange hur identiteten hos den som begär utdraget kontrollerades.</translation>
    </message>
    <message>
      <source>Say what must be masked differently.</source>
      <translation>Ange vad som måste maskeras annorlunda.</translation>
    </message>
    <message>
      <source>Say who checked the requester's identity.</source>
      <translation>Ange vem som kontrollerade identiteten.</translation>
    </message>
    <message>
      <source>Say why the request is refused.</source>
      <translation>Ange varför begäran avslås.</translation>
    </message>
    <message>
      <source>The clip {path} cannot be read: {reason}</source>
      <translation>Klippet {path} kan inte läsas: {reason}</translation>
    </message>
    <message>
      <source>The clip {path} holds no video frames.</source>
      <translation>Klippet {path} innehåller inga bildrutor.</translation>
    </message>
    <message>
      <source>The detection was cancelled.</source>
      <translation>Detekteringen avbröts.</translation>
    </message>
    <message>
      <source>The disk holding {path} is full: the masking stopped.</source>
      <translation>Disken med {path} är full: maskeringen avbröts.</translation>
    </message>
    <message>
      <source>The folder {path} cannot be written: {reason}.</source>
      <translation>Det går inte att skriva i mappen {path}: {reason}.</translation>
    </message>
    <message>
      <source>The folder {path} does not exist.</source>
      <translation>Mappen {path} finns inte.</translation>
    </message>
    <message>
      <source>The footage of {names} is not masked yet.</source>
      <translation>Materialet från {names} är inte maskerat än.</translation>
    </message>
    <message>
      <source>The mask file is not JSON: {reason}</source>
      <translation>Maskeringsfilen är inte JSON: {reason}</translation>
    </message>
    <message>
      <source>The mask file must hold a JSON object.</source>
      <translation>Maskeringsfilen måste innehålla ett JSON-objekt.</translation>
    </message>
    <message>
      <source>The mask margin must be 0 to 200 pixels.</source>
      <translation>Maskeringens marginal måste vara 0 till 200 bildpunkter.</translation>
    </message>
    <message>
      <source>The mask region {name} has an unknown shape: use rect or polygon.</source>
      <translation>Maskeringsområdet {name} har en okänd form: använd rect eller polygon.</translation>
    </message>
    <message>
      <source>The mask region {name} has no keyframes.</source>
      <translation>Maskeringsområdet {name} har inga nyckelbildrutor.</translation>
    </message>
    <message>
      <source>The mask region {name} has two keyframes for the same frame.</source>
      <translation>Maskeringsområdet {name} har två nyckelbildrutor för samma bildruta.</translation>
    </message>
    <message>
      <source>The mask region {name} needs at least three points, the same number in every keyframe.</source>
      <translation>Maskeringsområdet {name} behöver minst tre punkter, lika många i varje nyckelbildruta.</translation>
    </message>
    <message>
      <source>The mask region {name} starts before frame 0.</source>
      <translation>Maskeringsområdet {name} börjar före bildruta 0.</translation>
    </message>
    <message>
      <source>The masked copy of camera {camera} changed while it was copied.</source>
      <translation>Den maskerade kopian från kamera {camera} ändrades medan den kopierades.</translation>
    </message>
    <message>
      <source>The masked copy of camera {camera} in case {number} is missing or has changed since it was made: mask it again.</source>
      <translation>Den maskerade kopian från kamera {camera} i ärende {number} saknas eller har ändrats sedan den gjordes: maskera igen.</translation>
    </message>
    <message>
      <source>The masked copy of {path} could not be made: {reason}</source>
      <translation>Den maskerade kopian av {path} kunde inte göras: {reason}</translation>
    </message>
    <message>
      <source>The masking was cancelled.</source>
      <translation>Maskeringen avbröts.</translation>
    </message>
    <message>
      <source>The range ends before it starts.</source>
      <translation>Intervallet slutar innan det börjar.</translation>
    </message>
    <message>
      <source>The time the requester gives ends before it starts.</source>
      <translation>Tiden som anges slutar innan den börjar.</translation>
    </message>
    <message>
      <source>The time the requester gives has not come yet.</source>
      <translation>Tiden som anges har inte kommit än.</translation>
    </message>
    <message>
      <source>There is no subject access case {id}.</source>
      <translation>Det finns inget ärende om registerutdrag med nummer {id}.</translation>
    </message>
    <message>
      <source>There is no track called {name} to exclude.</source>
      <translation>Det finns inget spår som heter {name} att undanta.</translation>
    </message>
    <message>
      <source>Two mask regions have the same name.</source>
      <translation>Två maskeringsområden har samma namn.</translation>
    </message>
    <message>
      <source>Unknown fill {name}: use solid or blur.</source>
      <translation>Okänd fyllning {name}: använd solid eller blur.</translation>
    </message>
    <message>
      <source>{name} is not allowed to work on subject access cases.</source>
      <translation>{name} får inte arbeta med ärenden om registerutdrag.</translation>
    </message>
    <message>
      <source>{name} masked this copy: another supervisor reviews it.</source>
      <translation>{name} maskerade kopian: en annan arbetsledare granskar den.</translation>
    </message>
    <message>
      <source>{path} exists already: nothing is overwritten.</source>
      <translation>{path} finns redan: inget skrivs över.</translation>
    </message>
    <message>
      <source>“{text}” is not a time of surveillance; write “always” or e.g. “mon-fri 18:00-06:00; sat 10:00-14:00”.</source>
      <translation>”{text}” är ingen bevakningstid; skriv ”always” eller t.ex. ”mån-fre 18:00-06:00; lör 10:00-14:00”.</translation>
    </message>
    <message>
      <source>{path} is not an empty folder.</source>
      <translation>{path} är inte en tom mapp.</translation>
    </message>
    <message>
      <source>Version {version} of camera {id}'s register entry in the database is not what the access log recorded.</source>
      <translation>Version {version} av kamera {id}:s post i registret i databasen är inte vad åtkomstloggen registrerade.</translation>
    </message>
    <message>
      <source>The register has no field {names}; its fields are {known}.</source>
      <translation>Registret har inget fält {names}; dess fält är {known}.</translation>
    </message>
    <message>
      <source>The field {name} is text.</source>
      <translation>Fältet {name} är text.</translation>
    </message>
    <message>
      <source>The field {name} is a date written as 2026-12-31, not “{value}”.</source>
      <translation>Fältet {name} är ett datum skrivet som 2026-12-31, inte ”{value}”.</translation>
    </message>
    <message>
      <source>The field {name} can have at most {limit} characters.</source>
      <translation>Fältet {name} får ha högst {limit} tecken.</translation>
    </message>
    <message>
      <source>The field signage is true or false.</source>
      <translation>Fältet signage är true eller false.</translation>
    </message>
    <message>
      <source>The field retention_hours is a whole number of hours.</source>
      <translation>Fältet retention_hours är ett helt antal timmar.</translation>
    </message>
    <message>
      <source>The field recording is continuous, scheduled, event or off.</source>
      <translation>Fältet recording är continuous, scheduled, event eller off.</translation>
    </message>
    <message>
      <source>The field attachments is a list of files.</source>
      <translation>Fältet attachments är en lista med filer.</translation>
    </message>
    <message>
      <source>The end date lies before the start date.</source>
      <translation>Slutdatumet ligger före startdatumet.</translation>
    </message>
    <message>
      <source>The attachment {path} cannot be read: {reason}</source>
      <translation>Bilagan {path} kan inte läsas: {reason}</translation>
    </message>
    <message>
      <source>The access log recorded version {version} of camera {id}'s register entry, but the database does not have it.</source>
      <translation>Åtkomstloggen registrerade version {version} av kamera {id}:s post i registret, men databasen har den inte.</translation>
    </message>
    <message>
      <source>Scheduled recording needs the hours it records, e.g. “mon-fri 18:00-06:00”.</source>
      <translation>Schemalagd inspelning behöver tiderna då den spelar in, t.ex. ”mån-fre 18:00-06:00”.</translation>
    </message>
    <message>
      <source>Camera “{name}” is not yet in the surveillance register: until an administrator completes its entry it does not record and only technicians see it.</source>
      <translation>Kameran ”{name}” finns ännu inte i registret över kamerabevakning: tills en administratör har fyllt i dess post spelas den inte in och bara tekniker ser den.</translation>
    </message>
    <message>
      <source>Camera {id}'s register entry in the database is not the version {version} the access log recorded.</source>
      <translation>Kamera {id}:s post i registret i databasen är inte den version {version} som åtkomstloggen registrerade.</translation>
    </message>
    <message>
      <source>Camera {id} has version {version} of its register entry in the database, but the access log never recorded it.</source>
      <translation>Kamera {id} har version {version} av sin post i registret i databasen, men åtkomstloggen har aldrig registrerat den.</translation>
    </message>
    <message>
      <source>Camera {id} has been removed.</source>
      <translation>Kamera {id} har tagits bort.</translation>
    </message>
    <message>
      <source>An attachment is the path of a file.</source>
      <translation>En bilaga anges med sökvägen till en fil.</translation>
    </message>
    <message>
      <source>A register entry is a JSON object of its fields.</source>
      <translation>En post i registret är ett JSON-objekt med postens fält.</translation>
    </message>
    <message>
      <source>A light level is a percentage from 0 to 100, not {level}.</source>
      <translation>En ljusnivå är en procentsats från 0 till 100, inte {level}.</translation>
    </message>
    <message>
      <source>A reason is at most {limit} characters.</source>
      <translation>Ett skäl är högst {limit} tecken.</translation>
    </message>
    <message>
      <source>A relay needs a zone name and the relay's token.</source>
      <translation>Ett relä behöver ett zonnamn och reläets token.</translation>
    </message>
    <message>
      <source>A time-of-day window must end after it starts.</source>
      <translation>Ett tidsfönster måste sluta efter att det börjar.</translation>
    </message>
    <message>
      <source>An override lasts from 1 minute up to {limit} minutes, not {minutes}.</source>
      <translation>En manuell styrning varar från 1 minut upp till {limit} minuter, inte {minutes}.</translation>
    </message>
    <message>
      <source>Lights go off at sunrise or at dawn.</source>
      <translation>Belysningen släcks vid soluppgång eller i gryningen.</translation>
    </message>
    <message>
      <source>Lights go on at sunset or at dusk.</source>
      <translation>Belysningen tänds vid solnedgång eller i skymningen.</translation>
    </message>
    <message>
      <source>Relay {token} of camera {id} already lights a zone.</source>
      <translation>Relä {token} på kamera {id} lyser redan upp en zon.</translation>
    </message>
    <message>
      <source>The camera at {host} refused to switch its relay ({detail}).</source>
      <translation>Kameran på {host} vägrade att slå om sitt relä ({detail}).</translation>
    </message>
    <message>
      <source>The program is not understood: see docs/lighting.md for its members.</source>
      <translation>Programmet går inte att förstå: se docs/lighting.md för dess fält.</translation>
    </message>
    <message>
      <source>The schedule is not understood: see docs/lighting.md for its members.</source>
      <translation>Schemat går inte att förstå: se docs/lighting.md för dess fält.</translation>
    </message>
    <message>
      <source>There is no camera {id}.</source>
      <translation>Det finns ingen kamera {id}.</translation>
    </message>
    <message>
      <source>There is no lighting zone “{name}”. Zones: {known}.</source>
      <translation>Det finns ingen belysningszon ”{name}”. Zoner: {known}.</translation>
    </message>
    <message>
      <source>{latitude}, {longitude} is not a position on Earth.</source>
      <translation>{latitude}, {longitude} är ingen plats på jorden.</translation>
    </message>
    <message>
      <source>“{text}” is not a time-of-day level; write e.g. “01:00-05:00 mon-fri 50”.</source>
      <translation>”{text}” är ingen nivå för en tid på dygnet; skriv t.ex. ”01:00-05:00 mån-fre 50”.</translation>
    </message>
    <message>
      <source>“{text}” names a day that is not one; write e.g. “mon-fri” or “sat,sun”.</source>
      <translation>”{text}” anger en dag som inte finns; skriv t.ex. ”mån-fre” eller ”lör,sön”.</translation>
    </message>
    <message>
      <source>“{text}” names a time that does not exist.</source>
      <translation>”{text}” anger en tid som inte finns.</translation>
    </message>
    <message>
      <source>Alarm {id} is {state} by {name} in the database, but the access log has no such entry ({action}).</source>
      <translation>Larm {id} är {state} av {name} i databasen, men åtkomstloggen har ingen sådan post ({action}).</translation>
    </message>
    <message>
      <source>The alarm rule {rule} in the database is not what the access log last set.</source>
      <translation>Larmregeln {rule} i databasen är inte den som åtkomstloggen senast angav.</translation>
    </message>
    <message>
      <source>A comment is at most {limit} characters.</source>
      <translation>En kommentar är högst {limit} tecken.</translation>
    </message>
    <message>
      <source>A lighting boost is 0 to 100 percent.</source>
      <translation>En belysningshöjning är 0 till 100 procent.</translation>
    </message>
    <message>
      <source>A severity is 1 (most severe) to 4.</source>
      <translation>En allvarlighetsgrad är 1 (allvarligast) till 4.</translation>
    </message>
    <message>
      <source>A source can be snoozed for up to {hours} hours.</source>
      <translation>En källa kan tystas i högst {hours} timmar.</translation>
    </message>
    <message>
      <source>Alarm {id} has severity {severity}: say in a comment what was done.</source>
      <translation>Larm {id} har allvarlighetsgrad {severity}: skriv i en kommentar vad som gjordes.</translation>
    </message>
    <message>
      <source>Alarm {id} is closed already.</source>
      <translation>Larm {id} är redan stängt.</translation>
    </message>
    <message>
      <source>Alarm {id} is {state} already.</source>
      <translation>Larm {id} är redan {state}.</translation>
    </message>
    <message>
      <source>Event recording lasts 1 to 3600 seconds.</source>
      <translation>Händelseinspelning pågår 1 till 3600 sekunder.</translation>
    </message>
    <message>
      <source>Name the source to snooze.</source>
      <translation>Ange vilken källa som ska tystas.</translation>
    </message>
    <message>
      <source>No MQTT broker is set (mqtt.broker) and no alarm engine runs for this data folder: start `utkik serve` or the console, or set the broker.</source>
      <translation>Ingen MQTT-broker är inställd (mqtt.broker) och ingen larmmotor körs för den här datamappen: starta `utkik serve` eller konsolen, eller ställ in brokern.</translation>
    </message>
    <message>
      <source>The broker login cannot be stored in the keyring ({reason}).</source>
      <translation>Brokerns inloggning kan inte sparas i nyckelringen ({reason}).</translation>
    </message>
    <message>
      <source>The broker login {ref} in the keyring is damaged.</source>
      <translation>Brokerinloggningen {ref} i nyckelringen är skadad.</translation>
    </message>
    <message>
      <source>The broker {url} cannot be reached ({reason}).</source>
      <translation>Brokern {url} kan inte nås ({reason}).</translation>
    </message>
    <message>
      <source>There is no alarm number {id}.</source>
      <translation>Det finns inget larm nummer {id}.</translation>
    </message>
    <message>
      <source>There is no area number {id}.</source>
      <translation>Det finns inget område nummer {id}.</translation>
    </message>
    <message>
      <source>There is no snooze number {id} in force.</source>
      <translation>Det finns ingen gällande tystning nummer {id}.</translation>
    </message>
    <message>
      <source>{name} is not allowed to change the alarm rules.</source>
      <translation>{name} får inte ändra larmreglerna.</translation>
    </message>
    <message>
      <source>{name} is not allowed to see alarms.</source>
      <translation>{name} får inte se larm.</translation>
    </message>
    <message>
      <source>{name} may not handle this alarm: give it to an operator or supervisor.</source>
      <translation>{name} får inte hantera det här larmet: tilldela det en operatör eller arbetsledare.</translation>
    </message>
    <message>
      <source>{port} is not a valid port: a port is 1 to 65535.</source>
      <translation>{port} är ingen giltig port: en port är 1 till 65535.</translation>
    </message>
    <message>
      <source>“{text}” is not a broker address: write mqtt://HOST:PORT, or mqtts://HOST:PORT for TLS (the login goes into the keyring, never into the address).</source>
      <translation>”{text}” är ingen brokeradress: skriv mqtt://VÄRD:PORT, eller mqtts://VÄRD:PORT för TLS (inloggningen sparas i nyckelringen, aldrig i adressen).</translation>
    </message>
    <message>
      <source>“{what}” is not a sensor event: {known}.</source>
      <translation>”{what}” är ingen sensorhändelse: {known}.</translation>
    </message>
    <message>
      <source>User {name} exists in the database, but the access log never added them.</source>
      <translation>Användaren {name} finns i databasen, men åtkomstloggen har aldrig lagt till hen.</translation>
    </message>
    <message>
      <source>User {name} is {role} in the database, but the access log last made them {logged}.</source>
      <translation>Användaren {name} är {role} i databasen, men åtkomstloggen gjorde hen senast till {logged}.</translation>
    </message>
    <message>
      <source>User {name} may see every area in the database, but the access log last limited them to {logged}.</source>
      <translation>Användaren {name} får se alla områden i databasen, men åtkomstloggen begränsade hen senast till {logged}.</translation>
    </message>
    <message>
      <source>User {name} is limited to {areas} in the database, but the access log last gave them every area.</source>
      <translation>Användaren {name} är begränsad till {areas} i databasen, men åtkomstloggen gav hen senast alla områden.</translation>
    </message>
    <message>
      <source>User {name} may see {areas} in the database, but the access log last gave them {logged}.</source>
      <translation>Användaren {name} får se {areas} i databasen, men åtkomstloggen gav hen senast {logged}.</translation>
    </message>
    <message>
      <source>User {name} is disabled in the database, but the access log last enabled them.</source>
      <translation>Användaren {name} är avstängd i databasen, men åtkomstloggen aktiverade hen senast.</translation>
    </message>
    <message>
      <source>User {name} is enabled in the database, but the access log last disabled them.</source>
      <translation>Användaren {name} är aktiv i databasen, men åtkomstloggen stängde senast av hen.</translation>
    </message>
    <message>
      <source>User {name} is missing from the database, but the access log never removed them.</source>
      <translation>Användaren {name} saknas i databasen, men åtkomstloggen har aldrig tagit bort hen.</translation>
    </message>
    <message>
      <source>Camera {id} is marked removed in the database, but the access log never removed it.</source>
      <translation>Kamera {id} är markerad som borttagen i databasen, men åtkomstloggen tog aldrig bort den.</translation>
    </message>
    <message>
      <source>Camera {id} is in use in the database, but the access log removed it.</source>
      <translation>Kamera {id} används i databasen, men åtkomstloggen tog bort den.</translation>
    </message>
    <message>
      <source>Camera {id} exists in the database, but the access log never added it.</source>
      <translation>Kamera {id} finns i databasen, men åtkomstloggen har aldrig lagt till den.</translation>
    </message>
    <message>
      <source>Camera {id} is at {address} in the database, but the access log added it at {logged}.</source>
      <translation>Kamera {id} har adressen {address} i databasen, men åtkomstloggen lade till den med {logged}.</translation>
    </message>
    <message>
      <source>Camera {id} is at the place {place} in the database, but the access log last put it at {logged}.</source>
      <translation>Kamera {id} sitter på platsen {place} i databasen, men åtkomstloggen placerade den senast på {logged}.</translation>
    </message>
    <message>
      <source>Camera {id} may send its login to {hosts} in the database, but the access log never accepted that.</source>
      <translation>Kamera {id} får skicka sin inloggning till {hosts} i databasen, men åtkomstloggen har aldrig godkänt det.</translation>
    </message>
    <message>
      <source>Camera {id} no longer accepts {hosts} in the database, but the access log never withdrew that.</source>
      <translation>Kamera {id} godkänner inte längre {hosts} i databasen, men åtkomstloggen har aldrig dragit tillbaka det.</translation>
    </message>
    <message>
      <source>Camera {id} is missing from the database, but the access log never removed it.</source>
      <translation>Kamera {id} saknas i databasen, men åtkomstloggen har aldrig tagit bort den.</translation>
    </message>
    <message>
      <source>Camera {id} keeps its recordings {hours} hours in the database, but the access log last set {logged} hours.</source>
      <translation>Kamera {id} sparar sina inspelningar {hours} timmar i databasen, men åtkomstloggen ställde senast in {logged} timmar.</translation>
    </message>
    <message>
      <source>Camera {id} records “{mode}” in the database, but the access log last set “{logged}”.</source>
      <translation>Kamera {id} spelar in ”{mode}” i databasen, men åtkomstloggen ställde senast in ”{logged}”.</translation>
    </message>
    <message>
      <source>The setting {key} is {value} in the database, but the access log last set {logged}.</source>
      <translation>Inställningen {key} är {value} i databasen, men åtkomstloggen ställde senast in {logged}.</translation>
    </message>
    <message>
      <source>The setting {key} is {value} in the database, but the access log never changed it from {logged}.</source>
      <translation>Inställningen {key} är {value} i databasen, men åtkomstloggen har aldrig ändrat den från {logged}.</translation>
    </message>
    <message>
      <source>Area {id} is “{name}” in the database, but Utkik set it up as “{seeded}”.</source>
      <translation>Område {id} är ”{name}” i databasen, men Utkik lade upp det som ”{seeded}”.</translation>
    </message>
    <message>
      <source>Place {id} is “{name}” in the database, but Utkik set it up as “{seeded}”.</source>
      <translation>Plats {id} är ”{name}” i databasen, men Utkik lade upp den som ”{seeded}”.</translation>
    </message>
    <message>
      <source>{path} is a file: export to a new or an empty folder.</source>
      <translation>{path} är en fil: exportera till en ny eller tom mapp.</translation>
    </message>
    <message>
      <source>The export to {path} stopped: {name} appeared there meanwhile.</source>
      <translation>Exporten till {path} avbröts: {name} dök upp där under tiden.</translation>
    </message>
    <message>
      <source>Utkik hit an internal error. Details are in the log.</source>
      <translation>Utkik råkade ut för ett internt fel. Detaljer finns i loggen.</translation>
    </message>
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
      <source>The database {path} is kept busy by another process.</source>
      <translation>Databasen {path} hålls upptagen av en annan process.</translation>
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
      <translation type="vanished">Kontot är inaktiverat. Fråga en administratör.</translation>
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
      <source>The throw-away keyring for camera logins did not get ready within {seconds} s ({detail}). Nothing was stored. Check that gnome-keyring and dbus work (run installer/setup.sh), or use a desktop session with a keyring.</source>
      <translation>Den tillfälliga nyckelringen för kamerainloggningar blev inte klar inom {seconds} s ({detail}). Ingenting sparades. Kontrollera att gnome-keyring och dbus fungerar (kör installer/setup.sh), eller använd en skrivbordssession med en nyckelring.</translation>
    </message>
    <message>
      <source>This machine has no keyring for camera logins, and the packages dbus and gnome-keyring are missing to start one: run installer/setup.sh.</source>
      <translation>Den här datorn har ingen nyckelring för kamerainloggningar, och paketen dbus och gnome-keyring saknas för att starta en: kör installer/setup.sh.</translation>
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
    <message>
      <source>A camera name can have at most {limit} characters.</source>
      <translation>Ett kameranamn får ha högst {limit} tecken.</translation>
    </message>
    <message>
      <source>A camera needs a name.</source>
      <translation>En kamera behöver ett namn.</translation>
    </message>
    <message>
      <source>A camera needs a user name to log in with.</source>
      <translation>En kamera behöver ett användarnamn att logga in med.</translation>
    </message>
    <message>
      <source>Cannot list the network interfaces: {detail}</source>
      <translation>Kan inte lista nätverksgränssnitten: {detail}</translation>
    </message>
    <message>
      <source>Cannot search for cameras through {interface} ({address}): {detail}</source>
      <translation>Kan inte söka efter kameror via {interface} ({address}): {detail}</translation>
    </message>
    <message>
      <source>No network interface is up, so there is nowhere to search for cameras. Connect the network, or add the cameras by address.</source>
      <translation>Inget nätverksgränssnitt är uppe, så det finns ingenstans att söka efter kameror. Anslut nätverket eller lägg till kamerorna med adress.</translation>
    </message>
    <message>
      <source>Nothing answers at {host}: the camera is off, not on the network, or uses another port.</source>
      <translation>Ingenting svarar på {host}: kameran är avstängd, inte ansluten till nätverket eller använder en annan port.</translation>
    </message>
    <message>
      <source>Only IPv4 addresses can be scanned, not {text}.</source>
      <translation>Bara IPv4-adresser kan avsökas, inte {text}.</translation>
    </message>
    <message>
      <source>Several cameras are called “{name}”: use the number.</source>
      <translation>Flera kameror heter ”{name}”: använd numret.</translation>
    </message>
    <message>
      <source>Several places are called “{name}”: use the number. Places: {known}.</source>
      <translation>Flera platser heter ”{name}”: använd numret. Platser: {known}.</translation>
    </message>
    <message>
      <source>The camera at {host} did not answer in time.</source>
      <translation>Kameran på {host} svarade inte i tid.</translation>
    </message>
    <message>
      <source>The camera at {host} gave no snapshot (HTTP status {status}).</source>
      <translation>Kameran på {host} gav ingen stillbild (HTTP-status {status}).</translation>
    </message>
    <message>
      <source>The camera at {host} has no stream address to check.</source>
      <translation>Kameran på {host} har ingen strömadress att kontrollera.</translation>
    </message>
    <message>
      <source>The camera at {host} refused the user name or password.</source>
      <translation>Kameran på {host} godtog inte användarnamnet eller lösenordet.</translation>
    </message>
    <message>
      <source>The camera at {host} gave an address on another host ({other}) for its video stream; its login is not sent there.</source>
      <translation>Kameran på {host} angav en adress på en annan värd ({other}) för sin videoström; dess inloggning skickas inte dit.</translation>
    </message>
    <message>
      <source>The camera at {host} gave an address on another host ({other}) for its snapshots; its login is not sent there.</source>
      <translation>Kameran på {host} angav en adress på en annan värd ({other}) för sina ögonblicksbilder; dess inloggning skickas inte dit.</translation>
    </message>
    <message>
      <source>The camera at {host} gave an address on another host ({other}) for one of its services; its login is not sent there.</source>
      <translation>Kameran på {host} angav en adress på en annan värd ({other}) för en av sina tjänster; dess inloggning skickas inte dit.</translation>
    </message>
    <message>
      <source>“{host}” is not a host name or address.</source>
      <translation>”{host}” är inte ett värdnamn eller en adress.</translation>
    </message>
    <message>
      <source>{host} is the camera's own address: it needs no acceptance.</source>
      <translation>{host} är kamerans egen adress: den behöver inte godkännas.</translation>
    </message>
    <message>
      <source>The camera at {host} sent a larger answer than a camera needs; it was refused for safety.</source>
      <translation>Kameran på {host} skickade ett större svar än en kamera behöver; det togs av säkerhetsskäl inte emot.</translation>
    </message>
    <message>
      <source>The camera at {host} sent an answer with a document type declaration, which is refused for safety.</source>
      <translation>Kameran på {host} skickade ett svar med en dokumenttypdeklaration, som av säkerhetsskäl inte tas emot.</translation>
    </message>
    <message>
      <source>The camera at {host} sent something other than a JPEG or PNG picture as its snapshot.</source>
      <translation>Kameran på {host} skickade något annat än en JPEG- eller PNG-bild som ögonblicksbild.</translation>
    </message>
    <message>
      <source>The camera at {host}:{port} has been added already.</source>
      <translation>Kameran på {host}:{port} är redan tillagd.</translation>
    </message>
    <message>
      <source>The camera did not give a snapshot address.</source>
      <translation>Kameran angav ingen adress till en stillbild.</translation>
    </message>
    <message>
      <source>The camera did not give the address of its main stream.</source>
      <translation>Kameran angav inte adressen till sin huvudström.</translation>
    </message>
    <message>
      <source>The camera did not give the address of its sub stream.</source>
      <translation>Kameran angav inte adressen till sin delström.</translation>
    </message>
    <message>
      <source>The camera did not tell its make and model.</source>
      <translation>Kameran uppgav inte sitt märke och sin modell.</translation>
    </message>
    <message>
      <source>The camera did not tell its time, so its clock cannot be checked.</source>
      <translation>Kameran uppgav inte sin tid, så dess klocka kan inte kontrolleras.</translation>
    </message>
    <message>
      <source>The camera has no media service, so it gives no video streams.</source>
      <translation>Kameran har ingen medietjänst och ger därför inga videoströmmar.</translation>
    </message>
    <message>
      <source>The camera has no video profile with a picture size.</source>
      <translation>Kameran har ingen videoprofil med en bildstorlek.</translation>
    </message>
    <message>
      <source>The camera lists neither its services nor its capabilities.</source>
      <translation>Kameran listar varken sina tjänster eller sina förmågor.</translation>
    </message>
    <message>
      <source>The camera login cannot be deleted from the keyring ({reason}).</source>
      <translation>Kamerainloggningen kan inte tas bort från nyckelringen ({reason}).</translation>
    </message>
    <message>
      <source>The camera login cannot be stored in the keyring ({reason}).</source>
      <translation>Kamerainloggningen kan inte sparas i nyckelringen ({reason}).</translation>
    </message>
    <message>
      <source>The camera login {ref} in the keyring is damaged.</source>
      <translation>Kamerainloggningen {ref} i nyckelringen är skadad.</translation>
    </message>
    <message>
      <source>The camera named another address for one of its services; its own address is used instead.</source>
      <translation>Kameran angav en annan adress för en av sina tjänster; kamerans egen adress används i stället.</translation>
    </message>
    <message>
      <source>The camera offers HTTPS, but does not answer over it; plain HTTP is used.</source>
      <translation>Kameran erbjuder HTTPS men svarar inte över det; okrypterad HTTP används.</translation>
    </message>
    <message>
      <source>The camera's relay outputs could not be read.</source>
      <translation>Kamerans reläutgångar kunde inte läsas.</translation>
    </message>
    <message>
      <source>The camera's video profiles could not be read.</source>
      <translation>Kamerans videoprofiler kunde inte läsas.</translation>
    </message>
    <message>
      <source>The device at {host} answers, but not as an ONVIF camera. Check the port.</source>
      <translation>Enheten på {host} svarar, men inte som en ONVIF-kamera. Kontrollera porten.</translation>
    </message>
    <message>
      <source>The login of camera “{name}” is missing from {store}: enter it again (the camera's settings).</source>
      <translation>Inloggningen för kameran ”{name}” saknas i {store}: ange den igen (kamerans inställningar).</translation>
    </message>
    <message>
      <source>The name {host} cannot be found (DNS). Check the camera's address.</source>
      <translation>Namnet {host} går inte att hitta (DNS). Kontrollera kamerans adress.</translation>
    </message>
    <message>
      <source>The port must be a number from 1 to 65535, not {port}.</source>
      <translation>Porten måste vara ett tal från 1 till 65535, inte {port}.</translation>
    </message>
    <message>
      <source>The range {first}-{last} runs backwards: the first address comes after the last.</source>
      <translation>Intervallet {first}-{last} går baklänges: den första adressen kommer efter den sista.</translation>
    </message>
    <message>
      <source>The range {text} holds {count} addresses; at most {limit} can be scanned at once. Split it into smaller ranges.</source>
      <translation>Intervallet {text} innehåller {count} adresser; högst {limit} kan avsökas på en gång. Dela upp det i mindre intervall.</translation>
    </message>
    <message>
      <source>The snapshot address of the camera at {host} is not an HTTP address.</source>
      <translation>Adressen till stillbilden från kameran på {host} är ingen HTTP-adress.</translation>
    </message>
    <message>
      <source>There is no camera called “{name}”.</source>
      <translation>Det finns ingen kamera som heter ”{name}”.</translation>
    </message>
    <message>
      <source>There is no camera number {id}.</source>
      <translation>Det finns ingen kamera nummer {id}.</translation>
    </message>
    <message>
      <source>There is no keyring to keep camera logins in. Start the console in a desktop session with a keyring (GNOME Keyring or KWallet), or see docs/cameras.md.</source>
      <translation>Det finns ingen nyckelring att förvara kamerainloggningar i. Starta konsolen i en skrivbordssession med en nyckelring (GNOME Keyring eller KWallet), eller läs docs/cameras.md.</translation>
    </message>
    <message>
      <source>There is no place called “{name}”. Places: {known}.</source>
      <translation>Det finns ingen plats som heter ”{name}”. Platser: {known}.</translation>
    </message>
    <message>
      <source>{address} cannot be scanned: it is not the address of a single device (multicast, broadcast or reserved).</source>
      <translation>{address} kan inte avsökas: det är inte adressen till en enskild enhet (multicast, broadcast eller reserverad).</translation>
    </message>
    <message>
      <source>“{host}” is neither a host name nor an IP address.</source>
      <translation>”{host}” är varken ett värdnamn eller en IP-adress.</translation>
    </message>
    <message>
      <source>“{text}” is not an address range. Write FIRST-LAST, such as 192.168.1.10-192.168.1.60 or 192.168.1.10-60, or a network such as 192.168.1.0/24.</source>
      <translation>”{text}” är inget adressintervall. Skriv FÖRSTA-SISTA, till exempel 192.168.1.10-192.168.1.60 eller 192.168.1.10-60, eller ett nät som 192.168.1.0/24.</translation>
    </message>
    <message>
      <source>A grid has 1 to {limit} rows and 1 to {limit} columns.</source>
      <translation>Ett rutnät har 1 till {limit} rader och 1 till {limit} kolumner.</translation>
    </message>
    <message>
      <source>A layout needs a name.</source>
      <translation>En layout behöver ett namn.</translation>
    </message>
    <message>
      <source>A name can have at most {limit} characters.</source>
      <translation>Ett namn kan ha högst {limit} tecken.</translation>
    </message>
    <message>
      <source>A tour needs at least one layout.</source>
      <translation>En rundtur behöver minst en layout.</translation>
    </message>
    <message>
      <source>A tour shows each layout for {low} to {high} seconds.</source>
      <translation>En rundtur visar varje layout i {low} till {high} sekunder.</translation>
    </message>
    <message>
      <source>An internal error stopped this video stream. Details are in the log.</source>
      <translation>Ett internt fel stoppade den här videoströmmen. Detaljer finns i loggen.</translation>
    </message>
    <message>
      <source>“{text}” is not a time. Write for example 2026-10-25 14:30, 14:30 or 14:30:15, optionally followed by an offset such as +01:00.</source>
      <translation>”{text}” är ingen tid. Skriv till exempel 2026-10-25 14:30, 14:30 eller 14:30:15, eventuellt följt av en UTC-förskjutning som +01:00.</translation>
    </message>
    <message>
      <source>{wall} does not exist in Stockholm: that night the clocks were put forward from {before} to {after}.</source>
      <translation>{wall} finns inte i Stockholm: den natten ställdes klockan fram från {before} till {after}.</translation>
    </message>
    <message>
      <source>The check failed ({problem}).</source>
      <translation>Kontrollen misslyckades ({problem}).</translation>
    </message>
    <message>
      <source>Camera “{name}” did not carry out the command ({problem}).</source>
      <translation>Kameran ”{name}” utförde inte kommandot ({problem}).</translation>
    </message>
    <message>
      <source>Camera “{name}” cannot pan, tilt or zoom.</source>
      <translation>Kameran ”{name}” kan inte panorera, luta eller zooma.</translation>
    </message>
    <message>
      <source>Live view cannot show video coded as {codec}. Set the camera to H.264.</source>
      <translation>Livebilden kan inte visa video kodad som {codec}. Ställ in kameran på H.264.</translation>
    </message>
    <message>
      <source>Only console users have layouts and tours.</source>
      <translation>Bara konsolens användare har layouter och rundturer.</translation>
    </message>
    <message>
      <source>The big tile must fit inside the grid.</source>
      <translation>Den stora rutan måste få plats i rutnätet.</translation>
    </message>
    <message>
      <source>The camera at {host} refused the PTZ command ({detail}).</source>
      <translation>Kameran på {host} vägrade PTZ-kommandot ({detail}).</translation>
    </message>
    <message>
      <source>The camera did not send video in time.</source>
      <translation>Kameran skickade ingen video i tid.</translation>
    </message>
    <message>
      <source>The camera does not answer: it is off, not on the network, or its address is wrong.</source>
      <translation>Kameran svarar inte: den är avstängd, inte ansluten till nätverket, eller så är dess adress fel.</translation>
    </message>
    <message>
      <source>The camera ended the video stream.</source>
      <translation>Kameran avslutade videoströmmen.</translation>
    </message>
    <message>
      <source>The camera has no video stream at this address.</source>
      <translation>Kameran har ingen videoström på den här adressen.</translation>
    </message>
    <message>
      <source>The camera refused the user name or password.</source>
      <translation>Kameran godtog inte användarnamnet eller lösenordet.</translation>
    </message>
    <message>
      <source>The camera refuses to send video now (it may be restarting or have too many viewers).</source>
      <translation>Kameran vägrar skicka video just nu (den kanske startar om eller har för många tittare).</translation>
    </message>
    <message>
      <source>The camera sends no video.</source>
      <translation>Kameran skickar ingen video.</translation>
    </message>
    <message>
      <source>The camera stopped sending video.</source>
      <translation>Kameran slutade skicka video.</translation>
    </message>
    <message>
      <source>The camera's stream holds no video.</source>
      <translation>Kamerans ström innehåller ingen video.</translation>
    </message>
    <message>
      <source>The camera's video stream cannot be read.</source>
      <translation>Kamerans videoström kan inte läsas.</translation>
    </message>
    <message>
      <source>The video stream was closed.</source>
      <translation>Videoströmmen stängdes.</translation>
    </message>
    <message>
      <source>There is no layout called “{name}”.</source>
      <translation>Det finns ingen layout som heter ”{name}”.</translation>
    </message>
    <message>
      <source>There is no tour called “{name}”.</source>
      <translation>Det finns ingen rundtur som heter ”{name}”.</translation>
    </message>
    <message>
      <source>A recording schedule needs at least one window.</source>
      <translation>Ett inspelningsschema behöver minst ett tidsfönster.</translation>
    </message>
    <message>
      <source>An evidence lock must expire in the future.</source>
      <translation>Ett bevisskydd måste upphöra i framtiden.</translation>
    </message>
    <message>
      <source>An evidence lock needs a reason and a case number.</source>
      <translation>Ett bevisskydd behöver ett skäl och ett ärendenummer.</translation>
    </message>
    <message>
      <source>Another process records this data folder already.</source>
      <translation>En annan process spelar redan in den här datamappen.</translation>
    </message>
    <message>
      <source>At the current rate the recordings disk is full in {hours} hours.</source>
      <translation>I nuvarande takt är inspelningsdisken full om {hours} timmar.</translation>
    </message>
    <message>
      <source>Choose at least one camera to lock.</source>
      <translation>Välj minst en kamera att skydda.</translation>
    </message>
    <message>
      <source>Evidence lock {id} is already lifted.</source>
      <translation>Bevisskydd {id} är redan hävt.</translation>
    </message>
    <message>
      <source>Finishing the recording file {path} failed: {reason}</source>
      <translation>Det gick inte att avsluta inspelningsfilen {path}: {reason}</translation>
    </message>
    <message>
      <source>In “{text}” the window must end after it starts.</source>
      <translation>I ”{text}” måste tidsfönstret sluta efter att det börjar.</translation>
    </message>
    <message>
      <source>Keeping recordings longer than {default} hours needs a justification (why the longer time is necessary), at least {min} characters.</source>
      <translation>Att spara inspelningar längre än {default} timmar kräver en motivering (varför den längre tiden är nödvändig), minst {min} tecken.</translation>
    </message>
    <message>
      <source>Recording already runs in {program} (process {pid} on {host}, since {since}); this one does not record the same cameras twice.</source>
      <translation>Inspelningen körs redan i {program} (process {pid} på {host}, sedan {since}); den här spelar inte in samma kameror två gånger.</translation>
    </message>
    <message>
      <source>Recording takes H.264 video; this camera sends {codec}. Set it to H.264.</source>
      <translation>Inspelningen tar emot H.264-video; den här kameran skickar {codec}. Ställ in den på H.264.</translation>
    </message>
    <message>
      <source>Retention must lie between 1 and {max} hours.</source>
      <translation>Lagringstiden måste ligga mellan 1 och {max} timmar.</translation>
    </message>
    <message>
      <source>Say why the evidence lock is lifted.</source>
      <translation>Ange varför bevisskyddet hävs.</translation>
    </message>
    <message>
      <source>The disk holding {path} is full: recording is paused.</source>
      <translation>Disken med {path} är full: inspelningen är pausad.</translation>
    </message>
    <message>
      <source>The disk is full.</source>
      <translation>Disken är full.</translation>
    </message>
    <message>
      <source>The locked time range must end after it starts.</source>
      <translation>Det skyddade tidsintervallet måste sluta efter att det börjar.</translation>
    </message>
    <message>
      <source>The recording file {path} cannot be created: {reason}</source>
      <translation>Inspelningsfilen {path} kan inte skapas: {reason}</translation>
    </message>
    <message>
      <source>The recordings disk has only {percent} % free.</source>
      <translation>Inspelningsdisken har bara {percent} % ledigt.</translation>
    </message>
    <message>
      <source>The recordings disk is full: recording is paused until space is freed.</source>
      <translation>Inspelningsdisken är full: inspelningen är pausad tills utrymme frigörs.</translation>
    </message>
    <message>
      <source>There is no evidence lock number {id}.</source>
      <translation>Det finns inget bevisskydd nummer {id}.</translation>
    </message>
    <message>
      <source>Writing the recording file {path} failed: {reason}</source>
      <translation>Det gick inte att skriva inspelningsfilen {path}: {reason}</translation>
    </message>
    <message>
      <source>“{text}” is not a recording window; write e.g. “mon 07:00-19:00”.</source>
      <translation>”{text}” är inget inspelningsfönster; skriv t.ex. ”mån 07:00-19:00”.</translation>
    </message>
    <message>
      <source>Keep at least one reason for playback.</source>
      <translation>Behåll minst ett skäl för uppspelning.</translation>
    </message>
    <message>
      <source>No recording at this time.</source>
      <translation>Ingen inspelning vid den här tiden.</translation>
    </message>
    <message>
      <source>Operators may play back the last {hours} hours only.</source>
      <translation>Operatörer får bara spela upp de senaste {hours} timmarna.</translation>
    </message>
    <message>
      <source>Say why you open recorded video.</source>
      <translation>Ange varför du öppnar inspelad video.</translation>
    </message>
    <message>
      <source>The reason can have at most {limit} characters.</source>
      <translation>Skälet får vara högst {limit} tecken.</translation>
    </message>
    <message>
      <source>The recording cannot be read.</source>
      <translation>Inspelningen kan inte läsas.</translation>
    </message>
    <message>
      <source>Checking the camera</source>
      <translation>Kontroll av kameran</translation>
    </message>
    <message>
      <source>Complaint or request for one's own footage</source>
      <translation>Klagomål eller begäran om egna bilder</translation>
    </message>
    <message>
      <source>Follow-up of an alarm</source>
      <translation>Uppföljning av ett larm</translation>
    </message>
    <message>
      <source>Incident under way</source>
      <translation>Pågående händelse</translation>
    </message>
    <message>
      <source>Request from the police</source>
      <translation>Begäran från polisen</translation>
    </message>
    <message>
      <source>Camera logins are not kept in the keyring {backend}: it keeps them in plain text (or not at all), and it was chosen by PYTHON_KEYRING_BACKEND or a keyringrc.cfg. Use the OS keyring; only for tests or a throw-away setup, UTKIK_ALLOW_PLAINTEXT_KEYRING=1 allows it.</source>
      <translation>Kamerainloggningar sparas inte i nyckelringen {backend}: den sparar dem i klartext (eller inte alls), och den valdes med PYTHON_KEYRING_BACKEND eller en keyringrc.cfg. Använd operativsystemets nyckelring; bara för tester eller en tillfällig installation tillåter UTKIK_ALLOW_PLAINTEXT_KEYRING=1 den.</translation>
    </message>
    <message>
      <source>The name “{name}” looks like that of the user “{other}”: choose another.</source>
      <translation>Namnet ”{name}” liknar användaren ”{other}”: välj ett annat.</translation>
    </message>
    <message>
      <source>The password is too easy to guess: it is a row of neighbouring keys on the keyboard. Use a longer one, for example a few unrelated words.</source>
      <translation>Lösenordet är för lätt att gissa: det är en rad intilliggande tangenter på tangentbordet. Använd ett längre, till exempel några orelaterade ord.</translation>
    </message>
    <message>
      <source>The password is too easy to guess: it is a run such as abc or 1234. Use a longer one, for example a few unrelated words.</source>
      <translation>Lösenordet är för lätt att gissa: det är en följd som abc eller 1234. Använd ett längre, till exempel några orelaterade ord.</translation>
    </message>
    <message>
      <source>The password is too easy to guess: it is built around a date or a year. Use a longer one, for example a few unrelated words.</source>
      <translation>Lösenordet är för lätt att gissa: det är byggt kring ett datum eller ett årtal. Använd ett längre, till exempel några orelaterade ord.</translation>
    </message>
    <message>
      <source>The password is too easy to guess: it is built from a common password, word or name. Use a longer one, for example a few unrelated words.</source>
      <translation>Lösenordet är för lätt att gissa: det är byggt av ett vanligt lösenord, ord eller namn. Använd ett längre, till exempel några orelaterade ord.</translation>
    </message>
    <message>
      <source>The password is too easy to guess: it is too short for the characters it uses. Use a longer one, for example a few unrelated words.</source>
      <translation>Lösenordet är för lätt att gissa: det är för kort för de tecken det använder. Använd ett längre, till exempel några orelaterade ord.</translation>
    </message>
    <message>
      <source>The password is too easy to guess: it repeats the same characters or words. Use a longer one, for example a few unrelated words.</source>
      <translation>Lösenordet är för lätt att gissa: det upprepar samma tecken eller ord. Använd ett längre, till exempel några orelaterade ord.</translation>
    </message>
    <message>
      <source>The password must have at most {count} characters.</source>
      <translation>Lösenordet får ha högst {count} tecken.</translation>
    </message>
    <message>
      <source>{path} can be read or changed by other accounts of this computer (mode {mode}), and it holds password hashes and who watched what. Make it private: chmod {wanted} {path}</source>
      <translation>{path} kan läsas eller ändras av andra konton på den här datorn (läge {mode}), och den innehåller lösenordshashar och vem som tittade på vad. Gör den privat: chmod {wanted} {path}</translation>
    </message>
    <message>
      <source>An internal error occurred ({kind}: {error}). Details are in the log.</source>
      <translation>Ett internt fel inträffade ({kind}: {error}). Detaljer finns i loggen.</translation>
    </message>
    <message>
      <source>The data folder {folder} is on a read-only file system, so the database {path} cannot be written. It has not been changed. Make that file system writable (mount it read-write) and start again.</source>
      <translation>Datamappen {folder} ligger på ett skrivskyddat filsystem, så databasen {path} kan inte skrivas. Den har inte ändrats. Gör filsystemet skrivbart (montera det för skrivning) och starta igen.</translation>
    </message>
    <message>
      <source>The database {path} cannot be read by this account ({reason}). It has not been changed. Start Utkik as the account that owns it, or give this account access to it.</source>
      <translation>Databasen {path} kan inte läsas av detta konto ({reason}). Den har inte ändrats. Starta Utkik som kontot som äger den, eller ge detta konto åtkomst till den.</translation>
    </message>
    <message>
      <source>The database {path} cannot be read or written: the disk reports an error ({reason}). It has not been changed and is not known to be damaged: check the disk and start again.</source>
      <translation>Databasen {path} kan inte läsas eller skrivas: disken rapporterar ett fel ({reason}). Den har inte ändrats och är inte känd som skadad: kontrollera disken och starta igen.</translation>
    </message>
    <message>
      <source>The database {path} cannot be written: its disk is full. Nothing was changed, and the database is not damaged: free some space on that disk and start again.</source>
      <translation>Databasen {path} kan inte skrivas: dess disk är full. Inget ändrades, och databasen är inte skadad: frigör utrymme på disken och starta igen.</translation>
    </message>
    <message>
      <source>The database {path} is damaged or is not a Utkik database. It has not been changed. Keep it for investigation (copy it aside with its folder: it holds the access log), then restore the data folder from a backup or start Utkik with another data folder.</source>
      <translation>Databasen {path} är skadad eller är ingen Utkik-databas. Den har inte ändrats. Behåll den för utredning (kopiera undan den med sin mapp: den innehåller åtkomstloggen), och återställ sedan datamappen från en säkerhetskopia eller starta Utkik med en annan datamapp.</translation>
    </message>
    <message>
      <source>{path} cannot be written by this account ({reason}), and the database needs it. It has not been changed. Start Utkik as the account that owns the data folder, or give this account write access to it.</source>
      <translation>{path} kan inte skrivas av detta konto ({reason}), och databasen behöver det. Den har inte ändrats. Starta Utkik som kontot som äger datamappen, eller ge detta konto skrivrätt till den.</translation>
    </message>
    <message>
      <source>The database {path} is damaged: record {key} of the table {table} cannot be read ({reason}). Nothing was changed. Keep the database for investigation (copy it aside with its folder: it holds the access log), then correct the record or restore the data folder from a backup.</source>
      <translation>Databasen {path} är skadad: post {key} i tabellen {table} kan inte läsas ({reason}). Inget ändrades. Behåll databasen för utredning (kopiera undan den med sin mapp: den innehåller åtkomstloggen), och rätta sedan posten eller återställ datamappen från en säkerhetskopia.</translation>
    </message>
    <message>
      <source>The database {path} is damaged: the access log's state (the row of the table audit_state) is missing. It has not been changed. Keep it for investigation (copy it aside with its folder: it holds the access log), then restore the data folder from a backup.</source>
      <translation>Databasen {path} är skadad: åtkomstloggens tillstånd (raden i tabellen audit_state) saknas. Den har inte ändrats. Behåll den för utredning (kopiera undan den med sin mapp: den innehåller åtkomstloggen), och återställ sedan datamappen från en säkerhetskopia.</translation>
    </message>
    <message>
      <source>The database {path} is damaged: the table {table} is missing. It has not been changed. Keep it for investigation (copy it aside with its folder: it holds the access log), then restore the data folder from a backup.</source>
      <translation>Databasen {path} är skadad: tabellen {table} saknas. Den har inte ändrats. Behåll den för utredning (kopiera undan den med sin mapp: den innehåller åtkomstloggen), och återställ sedan datamappen från en säkerhetskopia.</translation>
    </message>
    <message>
      <source>{port} is not a valid port: a port is a number from {low} to {high}.</source>
      <translation>{port} är ingen giltig port: en port är ett tal från {low} till {high}.</translation>
    </message>
    <message>
      <source>The access log can only be recovered with its key store.</source>
      <translation>Åtkomstloggen kan bara återställas med sitt nyckellager.</translation>
    </message>
    <message>
      <source>The access log cannot be exported now: its latest entries cannot be sealed (the signing key cannot be reached).</source>
      <translation>Åtkomstloggen kan inte exporteras nu: dess senaste poster kan inte förseglas (signeringsnyckeln kan inte nås).</translation>
    </message>
    <message>
      <source>The access log is broken: {reason}. Someone with access to the database may have altered it. Nothing can be logged, so nothing is done, until an administrator runs 'utkik audit recover'.</source>
      <translation>Åtkomstloggen är trasig: {reason}. Någon med åtkomst till databasen kan ha ändrat den. Inget kan loggas, så inget görs, förrän en administratör kör 'utkik audit recover'.</translation>
    </message>
    <message>
      <source>The access log is not broken; there is nothing to recover.</source>
      <translation>Åtkomstloggen är inte trasig; det finns inget att återställa.</translation>
    </message>
    <message>
      <source>The access log's entries are not numbered 1, 2, 3, … so it cannot be recovered.</source>
      <translation>Åtkomstloggens poster är inte numrerade 1, 2, 3, … så den kan inte återställas.</translation>
    </message>
    <message>
      <source>The signing key {name} is not the key its certificate names (was the key replaced?). The access log is not sealed with it; entries wait for a seal with the right key.</source>
      <translation>Signeringsnyckeln {name} är inte den nyckel som dess certifikat anger (har nyckeln bytts ut?). Åtkomstloggen förseglas inte med den; posterna väntar på en försegling med rätt nyckel.</translation>
    </message>
    <message>
      <source>it has entries but its signing keys are missing</source>
      <translation>den har poster men dess signeringsnycklar saknas</translation>
    </message>
    <message>
      <source>its checkpoints are missing</source>
      <translation>dess kontrollpunkter saknas</translation>
    </message>
    <message>
      <source>its checkpoints belong to another log</source>
      <translation>dess kontrollpunkter hör till en annan logg</translation>
    </message>
    <message>
      <source>its signing keys belong to another log</source>
      <translation>dess signeringsnycklar hör till en annan logg</translation>
    </message>
    <message>
      <source>The device at {host} answers, but not as an ONVIF camera: its answer is not well-formed XML ({detail}).</source>
      <translation>Enheten på {host} svarar, men inte som en ONVIF-kamera: svaret är inte välformad XML ({detail}).</translation>
    </message>
    <message>
      <source>The camera at {host} cannot be added: it has no media service, so it gives no video stream.</source>
      <translation>Kameran på {host} kan inte läggas till: den har ingen medietjänst och ger därför ingen videoström.</translation>
    </message>
    <message>
      <source>The camera at {host} cannot be added: its video profiles could not be read (GetProfiles).</source>
      <translation>Kameran på {host} kan inte läggas till: dess videoprofiler kunde inte läsas (GetProfiles).</translation>
    </message>
    <message>
      <source>The camera at {host} cannot be added: it has no video profile with a picture size.</source>
      <translation>Kameran på {host} kan inte läggas till: den har ingen videoprofil med en bildstorlek.</translation>
    </message>
    <message>
      <source>The camera at {host} cannot be added: it did not give the address of its main stream (GetStreamUri).</source>
      <translation>Kameran på {host} kan inte läggas till: den gav inte adressen till sin huvudström (GetStreamUri).</translation>
    </message>
    <message>
      <source>The camera at {host} cannot be added: it gave no main stream, and did not say why.</source>
      <translation>Kameran på {host} kan inte läggas till: den gav ingen huvudström och sade inte varför.</translation>
    </message>
    <message>
      <source>Port {port} on {address} is taken by {holder}. If that is another simulated site or demo, stop it (Ctrl-C where it runs, or `kill {pid}`); or give other ports (--onvif-port, --rtsp-port).</source>
      <translation>Port {port} på {address} används av {holder}. Om det är en annan simulerad anläggning eller demo, stoppa den (Ctrl-C där den körs, eller `kill {pid}`); eller ange andra portar (--onvif-port, --rtsp-port).</translation>
    </message>
    <message>
      <source>Port {port} on {address} is taken by another program (it is not one of yours, or it cannot be seen). Stop it, or give other ports (--onvif-port, --rtsp-port).</source>
      <translation>Port {port} på {address} används av ett annat program (det är inte ditt, eller det syns inte). Stoppa det, eller ange andra portar (--onvif-port, --rtsp-port).</translation>
    </message>
    <message>
      <source>The simulated site cannot listen on {address} port {port}: {holder} holds it. If that is another simulated site or demo, stop it (Ctrl-C where it runs, or `kill {pid}`); or choose other ports (--onvif-port, --rtsp-port).</source>
      <translation>Den simulerade anläggningen kan inte lyssna på {address} port {port}: {holder} använder den. Om det är en annan simulerad anläggning eller demo, stoppa den (Ctrl-C där den körs, eller `kill {pid}`); eller välj andra portar (--onvif-port, --rtsp-port).</translation>
    </message>
    <message>
      <source>A note can have at most {limit} characters.</source>
      <translation>En anteckning får ha högst {limit} tecken.</translation>
    </message>
    <message>
      <source>An export can only cover time that has begun.</source>
      <translation>En export kan bara omfatta tid som har börjat.</translation>
    </message>
    <message>
      <source>At most {limit} characters, please.</source>
      <translation>Högst {limit} tecken, tack.</translation>
    </message>
    <message>
      <source>Choose at least one camera to export.</source>
      <translation>Välj minst en kamera att exportera.</translation>
    </message>
    <message>
      <source>Export request {id} expired at {time}: it cannot be produced. Ask for a new one.</source>
      <translation>Exportbegäran {id} förföll {time}: den kan inte exporteras. Begär en ny.</translation>
    </message>
    <message>
      <source>Export request {id} has been decided already ({state}).</source>
      <translation>Exportbegäran {id} är redan avgjord ({state}).</translation>
    </message>
    <message>
      <source>Export request {id} has expired: ask for a new one.</source>
      <translation>Exportbegäran {id} har förfallit: begär en ny.</translation>
    </message>
    <message>
      <source>Export request {id} has not been approved yet.</source>
      <translation>Exportbegäran {id} är inte godkänd ännu.</translation>
    </message>
    <message>
      <source>Export request {id} is {state}: it cannot be produced.</source>
      <translation>Exportbegäran {id} är {state}: den kan inte exporteras.</translation>
    </message>
    <message>
      <source>Export {id} is being produced already.</source>
      <translation>Export {id} pågår redan.</translation>
    </message>
    <message>
      <source>Give the case number of the export.</source>
      <translation>Ange exportens diarienummer.</translation>
    </message>
    <message>
      <source>Give the reason for the export.</source>
      <translation>Ange skälet till exporten.</translation>
    </message>
    <message>
      <source>Give the recipient (authority and officer).</source>
      <translation>Ange mottagaren (myndighet och handläggare).</translation>
    </message>
    <message>
      <source>Nothing of {names} is recorded between {start} and {end}.</source>
      <translation>Inget från {names} är inspelat mellan {start} och {end}.</translation>
    </message>
    <message>
      <source>Say why the export is rejected.</source>
      <translation>Ange varför exporten avslås.</translation>
    </message>
    <message>
      <source>The export's time range must end after it starts.</source>
      <translation>Exportens tidsintervall måste sluta efter att det börjar.</translation>
    </message>
    <message>
      <source>There is no export request number {id}.</source>
      <translation>Det finns ingen exportbegäran nummer {id}.</translation>
    </message>
    <message>
      <source>{name} may not produce export {id}: only the supervisor who requested it or the one who approved it may.</source>
      <translation>{name} får inte exportera {id}: bara den arbetsledare som begärde den eller den som godkände den får det.</translation>
    </message>
    <message>
      <source>{name} requested export {id} and may not decide on it: another supervisor must approve or reject it.</source>
      <translation>{name} begärde export {id} och får inte avgöra den: en annan arbetsledare måste godkänna eller avslå den.</translation>
    </message>
    <message>
      <source>“{case}” is not a police case number: write it as the police do, e.g. “Polisen 5000-K123456-26”.</source>
      <translation>”{case}” är inget diarienummer hos polisen: skriv det som polisen gör, t.ex. ”Polisen 5000-K123456-26”.</translation>
    </message>
    <message>
      <source>“{text}” happens twice in Stockholm: that night the clocks were put back an hour. Write the time with its offset: {first} (summer time) or {second} (winter time).</source>
      <translation>”{text}” inträffar två gånger i svensk tid: den natten ställdes klockan tillbaka en timme. Skriv tiden med sin förskjutning: {first} (sommartid) eller {second} (normaltid).</translation>
    </message>
    <message>
      <source>Export request {id} is in the access log but missing from the database.</source>
      <translation>Exportbegäran {id} finns i åtkomstloggen men saknas i databasen.</translation>
    </message>
    <message>
      <source>Export request {id} is in the database, but the access log never logged it.</source>
      <translation>Exportbegäran {id} finns i databasen, men åtkomstloggen har aldrig loggat den.</translation>
    </message>
    <message>
      <source>Export request {id} is {state} in the database, but the access log last made it {logged}.</source>
      <translation>Exportbegäran {id} är {state} i databasen, men åtkomstloggen gjorde den senast {logged}.</translation>
    </message>
    <message>
      <source>Export request {id} was approved by {approver} in the database, but by {logged} in the access log.</source>
      <translation>Exportbegäran {id} godkändes av {approver} enligt databasen, men av {logged} enligt åtkomstloggen.</translation>
    </message>
    <message>
      <source>The access log's key changed while a custody record was signed; try again.</source>
      <translation>Åtkomstloggens nyckel byttes medan en överlämningspost signerades; försök igen.</translation>
    </message>
    <message>
      <source>An export is produced by a console user, not by {name}.</source>
      <translation>En export tas fram av en användare i konsolen, inte av {name}.</translation>
    </message>
    <message>
      <source>Only the requester or the approver of an export may produce it; {name} is neither.</source>
      <translation>Bara den som begärde eller godkände en export får ta fram den; {name} är ingen av dem.</translation>
    </message>
    <message>
      <source>The export's range ends before it starts.</source>
      <translation>Exportens tidsintervall slutar innan det börjar.</translation>
    </message>
    <message>
      <source>The export folder {path} does not exist.</source>
      <translation>Exportmappen {path} finns inte.</translation>
    </message>
    <message>
      <source>The export was cancelled.</source>
      <translation>Exporten avbröts.</translation>
    </message>
    <message>
      <source>There is not room for the export in {path}: it needs about {needed} MB and {free} MB are free.</source>
      <translation>Exporten får inte plats i {path}: den behöver ungefär {needed} MB och {free} MB är lediga.</translation>
    </message>
    <message>
      <source>{path} exists already: the export overwrites nothing.</source>
      <translation>{path} finns redan: exporten skriver inte över något.</translation>
    </message>
    <message>
      <source>{name} has no permission to export {camera}.</source>
      <translation>{name} har inte behörighet att exportera {camera}.</translation>
    </message>
    <message>
      <source>The export folder {path} cannot be read: {reason}.</source>
      <translation>Exportmappen {path} kan inte läsas: {reason}.</translation>
    </message>
    <message>
      <source>The export folder {path} cannot be written: {reason}.</source>
      <translation>Det går inte att skriva i exportmappen {path}: {reason}.</translation>
    </message>
    <message>
      <source>Say to whom the package is handed over.</source>
      <translation>Ange vem paketet lämnas över till.</translation>
    </message>
    <message>
      <source>The package in {path} does not verify ({problem}): it is not handed over.</source>
      <translation>Paketet i {path} klarar inte kontrollen ({problem}): det lämnas inte över.</translation>
    </message>
    <message>
      <source>The package in {path} cannot be read: {reason}.</source>
      <translation>Paketet i {path} kan inte läsas: {reason}.</translation>
    </message>
    <message>
      <source>The package in {path} was made by another installation (its first key is {anchor}): hand it over there.</source>
      <translation>Paketet i {path} togs fram av en annan installation (dess första nyckel är {anchor}): lämna över det där.</translation>
    </message>
    <message>
      <source>The hand-over was logged but could not be added to {path}: {reason}.</source>
      <translation>Överlämningen loggades men kunde inte läggas till i {path}: {reason}.</translation>
    </message>
    <message>
      <source>The access log's signing key cannot be reached, so nothing can be signed with it now.</source>
      <translation>Åtkomstloggens signeringsnyckel går inte att nå, så ingenting kan signeras med den nu.</translation>
    </message>
    <message>
      <source>The export file {path} cannot be written: {reason}</source>
      <translation>Exportfilen {path} kan inte skrivas: {reason}</translation>
    </message>
    <message>
      <source>The disk holding {path} is full: the export stopped.</source>
      <translation>Disken med {path} är full: exporten stoppades.</translation>
    </message>
    <message>
      <source>The recording file {path} cannot be read: {reason}</source>
      <translation>Inspelningsfilen {path} kan inte läsas: {reason}</translation>
    </message>
    <message>
      <source>Camera tampered with</source>
      <translation>Någon har manipulerat kameran</translation>
    </message>
    <message>
      <source>Digital input</source>
      <translation>Digital ingång</translation>
    </message>
    <message>
      <source>Line crossed</source>
      <translation>Linje passerad</translation>
    </message>
    <message>
      <source>Motion</source>
      <translation>Rörelse</translation>
    </message>
    <message>
      <source>Object in field</source>
      <translation>Objekt inom området</translation>
    </message>
    <message>
      <source>Picture blurred</source>
      <translation>Suddig bild</translation>
    </message>
    <message>
      <source>Picture too bright</source>
      <translation>För ljus bild</translation>
    </message>
    <message>
      <source>Picture too dark</source>
      <translation>För mörk bild</translation>
    </message>
    <message>
      <source>Scene changed (camera moved or covered)</source>
      <translation>Scenen ändrad (kameran flyttad eller övertäckt)</translation>
    </message>
    <message>
      <source>The camera at {host} gave no address for its event subscription.</source>
      <translation>Kameran på {host} angav ingen adress för sin händelseprenumeration.</translation>
    </message>
    <message>
      <source>The camera at {host} names no event service.</source>
      <translation>Kameran på {host} anger ingen händelsetjänst.</translation>
    </message>
    <message>
      <source>Video signal lost</source>
      <translation>Videosignalen förlorad</translation>
    </message>
    <message>
      <source>No camera is linked to alarm {id}.</source>
      <translation>Ingen kamera hör till larm {id}.</translation>
    </message>
    <message>
      <source>The recording {file} cannot be read: {reason}</source>
      <translation>Inspelningen {file} går inte att läsa: {reason}</translation>
    </message>
  </context>
  <context>
    <name>roles</name>
    <message>
      <location filename="../../ui/i18n.py" line="74" />
      <source>Operator</source>
      <translation>Operatör</translation>
    </message>
    <message>
      <location filename="../../ui/i18n.py" line="75" />
      <source>Technician</source>
      <translation>Tekniker</translation>
    </message>
    <message>
      <location filename="../../ui/i18n.py" line="76" />
      <source>Supervisor</source>
      <translation>Arbetsledare</translation>
    </message>
    <message>
      <location filename="../../ui/i18n.py" line="77" />
      <source>Administrator</source>
      <translation>Administratör</translation>
    </message>
    <message>
      <location filename="../../ui/i18n.py" line="78" />
      <source>Auditor</source>
      <translation>Granskare</translation>
    </message>
  </context>
  <context>
    <name>ApproveAsDialog</name>
    <message>
      <source>&amp;Approve</source>
      <translation>&amp;Godkänn</translation>
    </message>
    <message>
      <source>Approve as…</source>
      <translation>Godkänn som…</translation>
    </message>
    <message>
      <source>Approve export %1 of case %2, requested by %3, for %4?</source>
      <translation>Godkänna export %1 i ärende %2, begärd av %3, till %4?</translation>
    </message>
    <message>
      <source>Your &amp;name</source>
      <translation>Ditt &amp;namn</translation>
    </message>
    <message>
      <source>Your &amp;password</source>
      <translation>Ditt &amp;lösenord</translation>
    </message>
  </context>
  <context>
    <name>ExportRequestDialog</name>
    <message>
      <source>%1 s</source>
      <translation>%1 s</translation>
    </message>
    <message>
      <source>&amp;Cameras</source>
      <translation>&amp;Kameror</translation>
    </message>
    <message>
      <source>&amp;From (Stockholm time)</source>
      <translation>&amp;Från (svensk tid)</translation>
    </message>
    <message>
      <source>&amp;Reason</source>
      <translation>&amp;Skäl</translation>
    </message>
    <message>
      <source>&amp;Send request</source>
      <translation>&amp;Skicka begäran</translation>
    </message>
    <message>
      <source>&amp;Show what is recorded</source>
      <translation>&amp;Visa vad som är inspelat</translation>
    </message>
    <message>
      <source>&amp;To (Stockholm time)</source>
      <translation>&amp;Till (svensk tid)</translation>
    </message>
    <message>
      <source>Another supervisor approves the request before the package can be made. Until then the recordings are kept from deletion. The request is written to the access log.</source>
      <translation>En annan arbetsledare godkänner begäran innan paketet kan göras. Till dess skyddas inspelningarna mot radering. Begäran skrivs i åtkomstloggen.</translation>
    </message>
    <message>
      <source>Authority and officer</source>
      <translation>Myndighet och handläggare</translation>
    </message>
    <message>
      <source>Camera</source>
      <translation>Kamera</translation>
    </message>
    <message>
      <source>Case &amp;number</source>
      <translation>&amp;Diarienummer</translation>
    </message>
    <message>
      <source>N&amp;ote</source>
      <translation>&amp;Anteckning</translation>
    </message>
    <message>
      <source>Not recorded</source>
      <translation>Inte inspelat</translation>
    </message>
    <message>
      <source>Reci&amp;pient</source>
      <translation>&amp;Mottagare</translation>
    </message>
    <message>
      <source>Recorded</source>
      <translation>Inspelat</translation>
    </message>
    <message>
      <source>Request an export</source>
      <translation>Begär en export</translation>
    </message>
    <message>
      <source>none</source>
      <translation>inget</translation>
    </message>
  </context>
  <context>
    <name>ExportRequestsDialog</name>
    <message>
      <source>&amp;Approve as…</source>
      <translation>&amp;Godkänn som…</translation>
    </message>
    <message>
      <source>&amp;Cancel production</source>
      <translation>&amp;Avbryt exporten</translation>
    </message>
    <message>
      <source>&amp;Keep the evidence lock</source>
      <translation>&amp;Behåll bevisskyddet</translation>
    </message>
    <message>
      <source>&amp;New request…</source>
      <translation>&amp;Ny begäran…</translation>
    </message>
    <message>
      <source>&amp;Produce…</source>
      <translation>&amp;Exportera…</translation>
    </message>
    <message>
      <source>&amp;Reject…</source>
      <translation>&amp;Avslå…</translation>
    </message>
    <message>
      <source>Also a &amp;ZIP file</source>
      <translation>Även en &amp;ZIP-fil</translation>
    </message>
    <message>
      <source>Approved by</source>
      <translation>Godkänd av</translation>
    </message>
    <message>
      <source>Camera %v of %m</source>
      <translation>Kamera %v av %m</translation>
    </message>
    <message>
      <source>Cameras</source>
      <translation>Kameror</translation>
    </message>
    <message>
      <source>Case</source>
      <translation>Ärende</translation>
    </message>
    <message>
      <source>Choose a request first.</source>
      <translation>Välj en begäran först.</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Stäng</translation>
    </message>
    <message>
      <source>Expires</source>
      <translation>Upphör</translation>
    </message>
    <message>
      <source>Export request %1 is approved by %2.</source>
      <translation>Exportbegäran %1 är godkänd av %2.</translation>
    </message>
    <message>
      <source>Export request %1 is sent for approval.</source>
      <translation>Exportbegäran %1 är skickad för godkännande.</translation>
    </message>
    <message>
      <source>Export requests</source>
      <translation>Exportbegäranden</translation>
    </message>
    <message>
      <source>Folder: %1
Manifest SHA-256: %2
First key's fingerprint: %3</source>
      <translation>Mapp: %1
Manifestets SHA-256: %2
Första nyckelns fingeravtryck: %3</translation>
    </message>
    <message>
      <source>From</source>
      <translation>Från</translation>
    </message>
    <message>
      <source>No.</source>
      <translation>Nr</translation>
    </message>
    <message>
      <source>Reject export request</source>
      <translation>Avslå exportbegäran</translation>
    </message>
    <message>
      <source>Requested by</source>
      <translation>Begärd av</translation>
    </message>
    <message>
      <source>State</source>
      <translation>Läge</translation>
    </message>
    <message>
      <source>The package is written.</source>
      <translation>Paketet är skrivet.</translation>
    </message>
    <message>
      <source>The production was cancelled; no package was left.</source>
      <translation>Exporten avbröts; inget paket lämnades kvar.</translation>
    </message>
    <message>
      <source>To</source>
      <translation>Till</translation>
    </message>
    <message>
      <source>Utkik hit an internal error. Details are in the log.</source>
      <translation>Utkik råkade ut för ett internt fel. Detaljer finns i loggen.</translation>
    </message>
    <message>
      <source>Where to write the package</source>
      <translation>Var paketet ska skrivas</translation>
    </message>
    <message>
      <source>Why is export request %1 rejected?</source>
      <translation>Varför avslås exportbegäran %1?</translation>
    </message>
    <message>
      <source>Writing the package of export %1…</source>
      <translation>Skriver paketet för export %1…</translation>
    </message>
    <message>
      <source>approved</source>
      <translation>godkänd</translation>
    </message>
    <message>
      <source>expired</source>
      <translation>förfallen</translation>
    </message>
    <message>
      <source>pending</source>
      <translation>väntar</translation>
    </message>
    <message>
      <source>produced</source>
      <translation>exporterad</translation>
    </message>
    <message>
      <source>rejected</source>
      <translation>avslagen</translation>
    </message>
    <message>
      <source>%1: %2 of %3 s, %4 MB written</source>
      <translation>%1: %2 av %3 s, %4 MB skrivet</translation>
    </message>
  </context>
<context>
    <name>CasesDialog</name>
    <message>
      <source> min around</source>
      <translation> min runt tiden</translation>
    </message>
    <message>
      <source>%1 days left</source>
      <translation>%1 dagar kvar</translation>
    </message>
    <message>
      <source>%1 days overdue</source>
      <translation>%1 dagar försenat</translation>
    </message>
    <message>
      <source>%1 tracks proposed: tick the requester's.</source>
      <translation>%1 spår föreslagna: markera den begärandes.</translation>
    </message>
    <message>
      <source>%1: frames %2–%3, at %4, %5</source>
      <translation>%1: bildruta %2–%3, vid %4, %5</translation>
    </message>
    <message>
      <source>&amp;Find footage</source>
      <translation>&amp;Hitta material</translation>
    </message>
    <message>
      <source>&amp;Mask</source>
      <translation>&amp;Maskera</translation>
    </message>
    <message>
      <source>&amp;New case…</source>
      <translation>&amp;Nytt ärende…</translation>
    </message>
    <message>
      <source>&amp;Propose tracks</source>
      <translation>&amp;Föreslå spår</translation>
    </message>
    <message>
      <source>&amp;Release</source>
      <translation>&amp;Lämna ut</translation>
    </message>
    <message>
      <source>Cameras</source>
      <translation>Kameror</translation>
    </message>
    <message>
      <source>Case</source>
      <translation>Ärende</translation>
    </message>
    <message>
      <source>Case %1 is open.</source>
      <translation>Ärende %1 är öppnat.</translation>
    </message>
    <message>
      <source>Choose a case first.</source>
      <translation>Välj ett ärende först.</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Stäng</translation>
    </message>
    <message>
      <source>Deadline</source>
      <translation>Frist</translation>
    </message>
    <message>
      <source>Filmed</source>
      <translation>Filmad</translation>
    </message>
    <message>
      <source>Find the footage first.</source>
      <translation>Hitta materialet först.</translation>
    </message>
    <message>
      <source>Folder to release the package to</source>
      <translation>Mapp att lämna ut paketet till</translation>
    </message>
    <message>
      <source>Footage found.</source>
      <translation>Materialet är hittat.</translation>
    </message>
    <message>
      <source>Looking for people…</source>
      <translation>Letar efter personer…</translation>
    </message>
    <message>
      <source>Manual regions (JSON file), optional</source>
      <translation>Manuella områden (JSON-fil), frivilligt</translation>
    </message>
    <message>
      <source>Masking…</source>
      <translation>Maskerar…</translation>
    </message>
    <message>
      <source>Place</source>
      <translation>Plats</translation>
    </message>
    <message>
      <source>Re&amp;fuse</source>
      <translation>&amp;Avslå</translation>
    </message>
    <message>
      <source>Re&amp;view as…</source>
      <translation>&amp;Granska som…</translation>
    </message>
    <message>
      <source>Released: %1
Manifest SHA-256: %2
First key's fingerprint: %3</source>
      <translation>Utlämnat: %1
Manifestets SHA-256: %2
Första nyckelns fingeravtryck: %3</translation>
    </message>
    <message>
      <source>Requester</source>
      <translation>Begärd av</translation>
    </message>
    <message>
      <source>Reviewed and approved: the case may be released.</source>
      <translation>Granskat och godkänt: ärendet kan lämnas ut.</translation>
    </message>
    <message>
      <source>Reviewing supervisor</source>
      <translation>Granskande arbetsledare</translation>
    </message>
    <message>
      <source>Sent back to masking.</source>
      <translation>Tillbaka till maskering.</translation>
    </message>
    <message>
      <source>State</source>
      <translation>Läge</translation>
    </message>
    <message>
      <source>Subject access cases</source>
      <translation>Registerutdrag</translation>
    </message>
    <message>
      <source>The masked copy is made: another supervisor reviews it.</source>
      <translation>Den maskerade kopian är gjord: en annan arbetsledare granskar den.</translation>
    </message>
    <message>
      <source>The request is refused.</source>
      <translation>Begäran är avslagen.</translation>
    </message>
    <message>
      <source>Tracks (tick the requester's)</source>
      <translation>Spår (markera den begärandes)</translation>
    </message>
    <message>
      <source>Why the request is refused</source>
      <translation>Varför begäran avslås</translation>
    </message>
    <message>
      <source>decided</source>
      <translation>avgjort</translation>
    </message>
    <message>
      <source>footage found</source>
      <translation>material hittat</translation>
    </message>
    <message>
      <source>masked</source>
      <translation>maskerat</translation>
    </message>
    <message>
      <source>open</source>
      <translation>öppet</translation>
    </message>
    <message>
      <source>refused</source>
      <translation>avslaget</translation>
    </message>
    <message>
      <source>released</source>
      <translation>utlämnat</translation>
    </message>
    <message>
      <source>reviewed</source>
      <translation>granskat</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
      <source>&amp;Identity checked by (how)</source>
      <translation>&amp;Identiteten kontrollerad med (hur)</translation>
    </message>
    <message>
      <source>&amp;Notes</source>
      <translation>&amp;Anteckningar</translation>
    </message>
    <message>
      <source>&amp;Open case</source>
      <translation>&amp;Öppna ärende</translation>
    </message>
    <message>
      <source>&amp;Place</source>
      <translation>&amp;Plats</translation>
    </message>
    <message>
      <source>&amp;Requester's name</source>
      <translation>&amp;Namn på den som begär</translation>
    </message>
    <message>
      <source>Filmed &amp;from (2026-11-24 14:30)</source>
      <translation>Filmad &amp;från (2026-11-24 14:30)</translation>
    </message>
    <message>
      <source>Filmed &amp;to</source>
      <translation>Filmad &amp;till</translation>
    </message>
    <message>
      <source>Identity checked &amp;by (who)</source>
      <translation>Identiteten kontrollerad &amp;av (vem)</translation>
    </message>
    <message>
      <source>New subject access case</source>
      <translation>Nytt ärende om registerutdrag</translation>
    </message>
</context>
<context>
    <name>ReviewDialog</name>
    <message>
      <source>&amp;Approve</source>
      <translation>&amp;Godkänn</translation>
    </message>
    <message>
      <source>&amp;Next change</source>
      <translation>&amp;Nästa ändring</translation>
    </message>
    <message>
      <source>&amp;Previous change</source>
      <translation>&amp;Föregående ändring</translation>
    </message>
    <message>
      <source>&amp;Send back</source>
      <translation>&amp;Skicka tillbaka</translation>
    </message>
    <message>
      <source>Camera %1, frame %2 (change %3 of %4)</source>
      <translation>Kamera %1, bildruta %2 (ändring %3 av %4)</translation>
    </message>
    <message>
      <source>Nothing is masked.</source>
      <translation>Inget är maskerat.</translation>
    </message>
    <message>
      <source>Review case %1</source>
      <translation>Granska ärende %1</translation>
    </message>
    <message>
      <source>What must be masked differently</source>
      <translation>Vad som måste maskeras annorlunda</translation>
    </message>
</context>
  <context>
    <name>EntryForm</name>
    <message>
      <source>Register entry of camera %1 (%2)</source>
      <translation>Registerpost för kamera %1 (%2)</translation>
    </message>
    <message>
      <source>YYYY-MM-DD, e.g. 2026-12-31</source>
      <translation>ÅÅÅÅ-MM-DD, t.ex. 2026-12-31</translation>
    </message>
    <message>
      <source>always, or e.g. mon-fri 18:00-06:00</source>
      <translation>alltid, eller t.ex. mån-fre 18:00-06:00</translation>
    </message>
    <message>
      <source>needed above 72 hours</source>
      <translation>krävs över 72 timmar</translation>
    </message>
    <message>
      <source>as the hours say</source>
      <translation>som bevakningstiderna anger</translation>
    </message>
    <message>
      <source>not stated</source>
      <translation>inte angivet</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <source>no</source>
      <translation>nej</translation>
    </message>
    <message>
      <source>&amp;Add files…</source>
      <translation>&amp;Lägg till filer…</translation>
    </message>
    <message>
      <source>&amp;Remove</source>
      <translation>&amp;Ta bort</translation>
    </message>
    <message>
      <source>&amp;Save as a new version</source>
      <translation>&amp;Spara som en ny version</translation>
    </message>
    <message>
      <source>Attach documents</source>
      <translation>Bifoga dokument</translation>
    </message>
</context>
  <context>
    <name>RegisterReminder</name>
    <message>
      <source>Surveillance register: %1</source>
      <translation>Registret över kamerabevakning: %1</translation>
    </message>
    <message numerus="yes">
      <source>%n review(s) overdue</source>
      <translation>
        <numerusform>%n omprövning försenad</numerusform>
        <numerusform>%n omprövningar försenade</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n entry(ies) incomplete</source>
      <translation>
        <numerusform>%n post ofullständig</numerusform>
        <numerusform>%n poster ofullständiga</numerusform>
      </translation>
    </message>
</context>
  <context>
    <name>RegisterWindow</name>
    <message>
      <source>as the hours say</source>
      <translation>som bevakningstiderna anger</translation>
    </message>
    <message>
      <source>Surveillance register</source>
      <translation>Register över kamerabevakning</translation>
    </message>
    <message>
      <source>Camera</source>
      <translation>Kamera</translation>
    </message>
    <message>
      <source>Place</source>
      <translation>Plats</translation>
    </message>
    <message>
      <source>State</source>
      <translation>Status</translation>
    </message>
    <message>
      <source>Retention</source>
      <translation>Bevarandetid</translation>
    </message>
    <message>
      <source>Hours</source>
      <translation>Bevakningstider</translation>
    </message>
    <message>
      <source>Review</source>
      <translation>Omprövning</translation>
    </message>
    <message>
      <source>Field</source>
      <translation>Fält</translation>
    </message>
    <message>
      <source>Value</source>
      <translation>Värde</translation>
    </message>
    <message>
      <source>Version</source>
      <translation>Version</translation>
    </message>
    <message>
      <source>When</source>
      <translation>När</translation>
    </message>
    <message>
      <source>Who</source>
      <translation>Vem</translation>
    </message>
    <message>
      <source>What changed</source>
      <translation>Vad som ändrades</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>Namn</translation>
    </message>
    <message>
      <source>Bytes</source>
      <translation>Byte</translation>
    </message>
    <message>
      <source>SHA-256</source>
      <translation>SHA-256</translation>
    </message>
    <message>
      <source>&amp;Entry</source>
      <translation>&amp;Post</translation>
    </message>
    <message>
      <source>&amp;Versions</source>
      <translation>&amp;Versioner</translation>
    </message>
    <message>
      <source>A&amp;ttachments</source>
      <translation>&amp;Bilagor</translation>
    </message>
    <message>
      <source>E&amp;dit entry…</source>
      <translation>&amp;Redigera posten…</translation>
    </message>
    <message>
      <source>Export for &amp;IMY…</source>
      <translation>Exportera för &amp;IMY…</translation>
    </message>
    <message>
      <source>Write the register as a signed PDF and CSV, with verify.py, to a folder</source>
      <translation>Skriv registret som undertecknad PDF och CSV, med verify.py, till en mapp</translation>
    </message>
    <message>
      <source>Close</source>
      <translation>Stäng</translation>
    </message>
    <message>
      <source>%1 h</source>
      <translation>%1 h</translation>
    </message>
    <message>
      <source>review overdue since %1</source>
      <translation>omprövning försenad sedan %1</translation>
    </message>
    <message>
      <source>Camera %1</source>
      <translation>Kamera %1</translation>
    </message>
    <message>
      <source>camera removed; entry kept until %1</source>
      <translation>kameran borttagen; posten bevaras till %1</translation>
    </message>
    <message>
      <source>complete</source>
      <translation>komplett</translation>
    </message>
    <message>
      <source>provisional, records as before the upgrade; missing: %1</source>
      <translation>provisorisk, spelar in som före uppgraderingen; saknas: %1</translation>
    </message>
    <message>
      <source>incomplete, does not record; missing: %1</source>
      <translation>ofullständig, spelas inte in; saknas: %1</translation>
    </message>
    <message>
      <source>Camera %1 (%2), %3</source>
      <translation>Kamera %1 (%2), %3</translation>
    </message>
    <message>
      <source>no place</source>
      <translation>ingen plats</translation>
    </message>
    <message>
      <source>Version %1, changed %2 by %3</source>
      <translation>Version %1, ändrad %2 av %3</translation>
    </message>
    <message>
      <source>No entry has been written for this camera.</source>
      <translation>Ingen post har skrivits för kameran.</translation>
    </message>
    <message>
      <source>Review overdue since %1.</source>
      <translation>Omprövningen är försenad sedan %1.</translation>
    </message>
    <message>
      <source>(missing)</source>
      <translation>(saknas)</translation>
    </message>
    <message>
      <source>Camera %1 (%2): version %3 saved, %4.</source>
      <translation>Kamera %1 (%2): version %3 sparad, %4.</translation>
    </message>
    <message>
      <source>Export the register to</source>
      <translation>Exportera registret till</translation>
    </message>
    <message>
      <source>Writing the register to %1 …</source>
      <translation>Skriver registret till %1 …</translation>
    </message>
    <message>
      <source>The register (%1 cameras, %2 incomplete) is in %3, signed.
Check it with: python verify.py %3
Manifest SHA-256: %4</source>
      <translation>Registret (%1 kameror, %2 ofullständiga) finns i %3, undertecknat.
Kontrollera det med: python verify.py %3
Manifestets SHA-256: %4</translation>
    </message>
    <message>
      <source>The register was not exported: %1</source>
      <translation>Registret exporterades inte: %1</translation>
    </message>
</context>
  <context>
    <name>register</name>
    <message>
      <source>Purpose</source>
      <translation>Ändamål</translation>
    </message>
    <message>
      <source>Legal basis</source>
      <translation>Rättslig grund</translation>
    </message>
    <message>
      <source>Balancing of interests</source>
      <translation>Intresseavvägning</translation>
    </message>
    <message>
      <source>Monitored area</source>
      <translation>Bevakat område</translation>
    </message>
    <message>
      <source>Hours</source>
      <translation>Bevakningstider</translation>
    </message>
    <message>
      <source>Recording</source>
      <translation>Inspelning</translation>
    </message>
    <message>
      <source>Retention (hours)</source>
      <translation>Bevarandetid (timmar)</translation>
    </message>
    <message>
      <source>Justification of the retention</source>
      <translation>Motivering av bevarandetiden</translation>
    </message>
    <message>
      <source>Signs in place</source>
      <translation>Skyltning finns</translation>
    </message>
    <message>
      <source>Signs checked</source>
      <translation>Skyltning kontrollerad</translation>
    </message>
    <message>
      <source>Data protection officer (contact)</source>
      <translation>Dataskyddsombud (kontakt)</translation>
    </message>
    <message>
      <source>Start date</source>
      <translation>Startdatum</translation>
    </message>
    <message>
      <source>Review date</source>
      <translation>Omprövas</translation>
    </message>
    <message>
      <source>End date</source>
      <translation>Slutdatum</translation>
    </message>
    <message>
      <source>Attachments</source>
      <translation>Bilagor</translation>
    </message>
    <message>
      <source>yes</source>
      <translation>ja</translation>
    </message>
    <message>
      <source>no</source>
      <translation>nej</translation>
    </message>
    <message>
      <source>always</source>
      <translation>alltid</translation>
    </message>
    <message>
      <source>continuous</source>
      <translation>kontinuerlig</translation>
    </message>
    <message>
      <source>scheduled (the hours)</source>
      <translation>enligt schema (bevakningstiderna)</translation>
    </message>
    <message>
      <source>on events</source>
      <translation>vid händelser</translation>
    </message>
    <message>
      <source>off</source>
      <translation>ingen</translation>
    </message>
</context>
</TS>