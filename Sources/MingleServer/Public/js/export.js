// Contact cards as files: vCard 4.0 (RFC 6350) and CSV (RFC 4180), handed out through Blob URLs.

/** RFC 6350 §3.4: in TEXT values, backslash, comma, semicolon and newlines are escaped. */
export function vcardText(value) {
  return String(value)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/\\/g, '\\\\')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * RFC 6350 §3.2: lines SHOULD NOT be longer than 75 octets; a longer one is folded with CRLF and
 * one space. We fold on UTF-8 octets without splitting a multi-octet character.
 */
export function foldLine(line) {
  const encoder = new TextEncoder();
  const out = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    if (octets + n > limit) {
      out.push(current);
      current = '';
      octets = 0;
      limit = 74; // the continuation's leading space counts
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** One contact card as a vCard 4.0 object (CRLF line ends, folded). */
export function toVCard(card) {
  const lines = ['BEGIN:VCARD', 'VERSION:4.0', `FN:${vcardText(card.name || '')}`];
  // N is structured (family;given;...); we only know the whole name, so it goes in "given".
  lines.push(`N:;${vcardText(card.name || '')};;;`);
  if (card.organisation) lines.push(`ORG:${vcardText(card.organisation)}`);
  if (card.email) lines.push(`EMAIL;TYPE=work:${vcardText(card.email)}`);
  // URL is a URI value (§6.7.8), not TEXT: no backslash escaping, but it must be one line.
  if (card.link && /^https?:\/\/\S+$/i.test(card.link)) lines.push(`URL:${card.link}`);
  lines.push('END:VCARD');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

export function toVCards(cards) {
  return cards.map(toVCard).join('');
}

/**
 * RFC 4180: fields with comma, quote, CR or LF are quoted and quotes doubled; records end in CRLF.
 * A leading = + - @ (or tab/CR) would make spreadsheets evaluate the cell as a formula, so such a
 * field is prefixed with an apostrophe.
 */
export function csvField(value) {
  let s = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCSV(cards, header = ['Name', 'Organisation', 'Email', 'Link']) {
  const rows = [header, ...cards.map((c) => [c.name, c.organisation, c.email, c.link])];
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Offers `text` as a file download through a short-lived Blob URL. */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
