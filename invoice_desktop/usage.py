"""How to use the window, in a clerk's words: the README's "Using it" section and the Help menu show this text.

Kept here (not read from README.md) because the installed app has no README; a test keeps the two the same.
Marked with N_: the Help menu shows it with `_()`, in the clerk's language.
"""

from .core.i18n import N_

USAGE = N_("""\
1. Choose a provider on the left. The bar at the top says where uploads go: **Practice** (yellow banner, “nothing
   leaves this computer”, with *What to try…* for demo numbers and error triggers), **Sandbox** (blue banner, the
   vendor's test system) or **Production** (red banner, “real invoices”; the first send in a session asks first).
2. Fill in the form. Mistakes are marked under the field as you type; Upload marks every missing field. The note
   under the form says what to enter and what happens; *How this is sent* (beside the provider's name) explains
   how the app reads the vendor's documentation.
3. Drop the invoice file on the drop zone (or **Browse…**, Ctrl+O). While you drag, the zone turns green or red
   by the file's extension; on drop the file is checked fully (size, readable, a real file, and its content: a PDF
   must open with PDFium and have pages, a .docx/.xlsx must be that Office package, a .doc/.xls that Office 97-2003
   file, a PNG/JPEG whole to its end, a .txt without NUL bytes) before anything can be sent; a refusal names the
   rule and what to do. An encrypted PDF that opens is accepted with a warning (the provider may not open it),
   shown in the drop zone and asked about before sending.
4. **Upload** (Ctrl+Enter). A progress bar and **Cancel** (Esc) show while it runs. The outcome is one line with
   what to do next; **Details** shows the provider's own code and text.
5. **Credentials…** stores the provider's keys for the chosen environment in the system keyring (technical options
   under *Advanced*). Practice credentials are filled in for you. Where a provider has a sign-in (SkyPostal
   customer login, Shopwave OAuth), it runs from that dialog.
6. The **Log** and **History** tabs sit folded at the bottom of the window (Ctrl+L opens and closes them). The Log
   lists every HTTP exchange (time, method, URL, status, duration, headers, bodies — file bytes never, multipart
   parts as name / file name / type / size) with **Copy as curl**; it keeps the newest 500 entries (the log file
   keeps all) and shows an entry in full when you select it. The History lists every attempt, newest first, the
   one just made selected; search it by invoice or order id, file name or #number, filter by provider, outcome and
   dates, and **Export CSV…** what it shows. **Retry** sends a failed one again as a new attempt ("retry of #N"),
   continuing where it stopped.
7. **File → Settings…** holds the app-wide choices (e.g. whether the Log and History start open). **Help → Where
   files are kept** opens the log folder.
""")
