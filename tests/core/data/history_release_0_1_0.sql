-- A history database written by release 0.1.0 (commit 7e5874b): two real practice uploads via its CLI,
-- dumped with sqlite3 iterdump. Opened by tests to prove migrations keep every row.
BEGIN TRANSACTION;
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    provider TEXT NOT NULL,
    environment TEXT NOT NULL,
    base_url TEXT NOT NULL,
    file_name TEXT,
    file_path TEXT,
    file_size INTEGER,
    form_json TEXT NOT NULL,
    options_json TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    provider_code TEXT,
    provider_message TEXT,
    result_json TEXT NOT NULL DEFAULT '{}',
    resume_json TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO "attempts" VALUES(1,'2026-12-02T06:17:25+00:00','2026-12-02T06:17:25+00:00','imaterialise','practice','http://127.0.0.1:39439/imaterialise','Rechnung_1001.pdf','/tmp/Rechnung_1001.pdf',979,'{"order_id": "ORD-1001"}','{"format": "json", "file_url": null, "description": "order ORD-1001"}','succeeded','i.materialise accepted the invoice for order “ORD-1001”.',NULL,NULL,'{"outcome": "succeeded", "title": "i.materialise accepted the invoice for order \u201cORD-1001\u201d.", "detail": "Rechnung_1001.pdf is now the order''s invoice document.", "provider_code": null, "provider_message": null, "http_status": 200, "data": {}, "links": [], "items": [], "attempt_id": 1}','{}');
INSERT INTO "attempts" VALUES(2,'2026-12-02T06:17:26+00:00','2026-12-02T06:17:26+00:00','imaterialise','practice','http://127.0.0.1:34437/imaterialise','Rechnung_1001.pdf','/tmp/Rechnung_1001.pdf',979,'{"order_id": "ORD-2002"}','{"format": "json", "file_url": null, "description": "order ORD-2002"}','rejected','Order “ORD-2002” is already shipped or cancelled, so its invoice can no longer be changed.','103','Order is already shipped or cancelled','{"outcome": "rejected", "title": "Order \u201cORD-2002\u201d is already shipped or cancelled, so its invoice can no longer be changed.", "detail": "Contact i.materialise if the invoice must still be replaced.", "provider_code": "103", "provider_message": "Order is already shipped or cancelled", "http_status": 400, "data": {}, "links": [], "items": [], "attempt_id": 2}','{}');
CREATE TABLE exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    attempt_id INTEGER NOT NULL REFERENCES attempts(id),
    exchange_json TEXT NOT NULL
);
INSERT INTO "exchanges" VALUES(1,1,'{"label": "Upload invoice", "method": "POST", "url": "http://127.0.0.1:39439/imaterialise/web-api/order/ORD-1001/invoice", "started_at": "2026-12-02T06:17:25+00:00", "request_headers": {"User-Agent": "InvoiceDesktop/0.1 (+https://invoice-desktop.example)", "ApiCode": "•••redacted•••", "Accept": "application/json", "Content-Type": "multipart/form-data; boundary=169f116feb1b4e64bdfb740692a57ab4"}, "request_body": "", "request_parts": [{"name": "File", "filename": "Rechnung_1001.pdf", "content_type": "application/pdf", "size": 979}], "status": 200, "response_headers": {"Server": "BaseHTTP/0.6 Python/3.11.7", "Date": "Wed, 02 Dec 2026 06:17:25 GMT", "Content-Length": "0"}, "response_body": "", "duration_ms": 7, "error": null, "attempt_id": 1, "curl": "curl -X POST http://127.0.0.1:39439/imaterialise/web-api/order/ORD-1001/invoice -H ''User-Agent: InvoiceDesktop/0.1 (+https://invoice-desktop.example)'' -H ''ApiCode: •••redacted•••'' -H ''Accept: application/json'' -F ''File=@\"Rechnung_1001.pdf\";type=application/pdf''"}');
INSERT INTO "exchanges" VALUES(2,2,'{"label": "Upload invoice", "method": "POST", "url": "http://127.0.0.1:34437/imaterialise/web-api/order/ORD-2002/invoice", "started_at": "2026-12-02T06:17:26+00:00", "request_headers": {"User-Agent": "InvoiceDesktop/0.1 (+https://invoice-desktop.example)", "ApiCode": "•••redacted•••", "Accept": "application/json", "Content-Type": "multipart/form-data; boundary=9608afdc9d1c4611ada397ba82d4cd1c"}, "request_body": "", "request_parts": [{"name": "File", "filename": "Rechnung_1001.pdf", "content_type": "application/pdf", "size": 979}], "status": 400, "response_headers": {"Server": "BaseHTTP/0.6 Python/3.11.7", "Date": "Wed, 02 Dec 2026 06:17:26 GMT", "Content-Type": "application/json; charset=utf-8", "Content-Length": "52"}, "response_body": "{\"message\": \"Order is already shipped or cancelled\"}", "duration_ms": 7, "error": null, "attempt_id": 2, "curl": "curl -X POST http://127.0.0.1:34437/imaterialise/web-api/order/ORD-2002/invoice -H ''User-Agent: InvoiceDesktop/0.1 (+https://invoice-desktop.example)'' -H ''ApiCode: •••redacted•••'' -H ''Accept: application/json'' -F ''File=@\"Rechnung_1001.pdf\";type=application/pdf''"}');
CREATE INDEX exchanges_attempt ON exchanges(attempt_id);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('attempts',2);
INSERT INTO "sqlite_sequence" VALUES('exchanges',2);
COMMIT;
