"""What a document says about itself, for filling a batch's rows (no Qt).

Each source reads a document (or a sheet beside it) into `Facts`: neutral names (invoice number, order reference,
totals, lines, …) with the value, where it came from and whether it is sure. `fill` combines the sources in their
order of trust and maps the facts onto a provider's form fields through the provider's declared `document_fields`.
Heavy libraries (factur-x/lxml, pypdfium2, openpyxl) are imported inside the functions that need them.
"""
