"""The contact-card files, computed by the page's own module: vCard 4.0 escaping and folding
(RFC 6350 §3.2, §3.4) and CSV quoting (RFC 4180), with hostile names."""
import json

from e2e_lib import DESKTOP, MingleServer, browser, quit_all, tid, wait, wait_view

CARDS = [
    {"attendee": 3, "name": "Lucía Martín, PhD; \\ \"Lu\"", "organisation": "Comunidad de Madrid\nDirección General",
     "email": "lucia@example.es", "link": "https://example.es/a,b;c"},
    {"attendee": 4, "name": "=HYPERLINK(\"http://evil\")", "organisation": "Ørsta kommune " + "æøå" * 30},
]


def run(notes):
    server = MingleServer("export")
    d = browser(DESKTOP)
    try:
        d.get(server.url)
        wait_view(d, "join")
        out = d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "import('/js/export.js').then((m) => done({vcf: m.toVCards(arguments[0]), csv: m.toCSV(arguments[0])}),"
            " (e) => done({error: String(e)}));", CARDS)
        assert "error" not in out, out
        vcf, csv = out["vcf"], out["csv"]
        lines = vcf.split("\r\n")
        assert lines[0] == "BEGIN:VCARD" and lines[1] == "VERSION:4.0", lines[:2]
        assert "FN:Lucía Martín\\, PhD\\; \\\\ \"Lu\"" in lines, lines
        assert "ORG:Comunidad de Madrid\\nDirección General" in lines, lines
        assert "EMAIL;TYPE=work:lucia@example.es" in lines and "URL:https://example.es/a,b;c" in lines, lines
        assert vcf.count("BEGIN:VCARD") == 2 and vcf.endswith("END:VCARD\r\n")
        for line in lines:  # folded at 75 octets, never inside a UTF-8 sequence
            assert len(line.encode()) <= 75, (len(line.encode()), line)
        unfolded = vcf.replace("\r\n ", "")
        assert "ORG:Ørsta kommune " + "æøå" * 30 + "\r\n" in unfolded
        assert "\n" not in vcf.replace("\r\n", ""), "bare LF in vCard"
        rows = csv.split("\r\n")
        assert rows[0] == "Name,Organisation,Email,Link", rows[0]
        assert rows[1] == '"Lucía Martín, PhD; \\ ""Lu""","Comunidad de Madrid\nDirección General",lucia@example.es,"https://example.es/a,b;c"', rows[1]
        assert csv.split("\r\n")[2].startswith("\"'=HYPERLINK(\"\"http://evil\"\")\""), csv
        assert csv.endswith("\r\n")
    finally:
        quit_all([d])
        server.stop()
