"""Entry script of both frozen executables (InvoiceDesktop, the window; invoice-desktop, the console CLI).

PyInstaller runs its entry script as `__main__`, where the package's relative imports would fail, so this script
only calls the same `main()` as `python -m invoice_desktop` and the pip-installed `invoice-desktop` command.
"""

import sys

from invoice_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
