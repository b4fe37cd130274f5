/**
 * The archival PDF document: PDF/A-3b, tagged, DejaVu fonts embedded, document info that does
 * not depend on the wall clock, and associated files (the CSVs) that PDF/A-3 accepts.
 */
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { FONT, MARGIN } from './theme.js';

export interface DocumentMeta {
  readonly title: string;
  readonly author: string;
  readonly subject: string;
  readonly keywords: string;
  readonly creator: string;
  readonly producer: string;
  /** From the data (the pack's generated-at), never the wall clock. */
  readonly createdAt: Date;
  readonly lang: string;
}

export interface Attachment {
  readonly name: string;
  /**
   * The file's bytes, or a function that reads them: then they are read when the file is
   * embedded (at the end) and let go right after, instead of all being held while the pages are
   * laid out. Give `size` and `sha256` with a function, or it is called for them too.
   */
  readonly bytes: Uint8Array | (() => Uint8Array);
  readonly mime: string;
  readonly description: string;
  /** Byte size, when already known. */
  readonly size?: number;
  /** sha256 (hex) of the bytes, when already known. */
  readonly sha256?: string;
}

export function attachmentBytes(a: Attachment): Uint8Array {
  return typeof a.bytes === 'function' ? a.bytes() : a.bytes;
}

export function createDocument(meta: DocumentMeta): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { ...MARGIN },
    autoFirstPage: false,
    bufferPages: true,
    pdfVersion: '1.7',
    subset: 'PDF/A-3b',
    tagged: true,
    lang: meta.lang,
    displayTitle: true,
    // The default would load Helvetica (a standard-14 font PDF/A forbids); start on DejaVu.
    font: FONT.sans,
    info: {
      Title: meta.title,
      Author: meta.author,
      Subject: meta.subject,
      Keywords: meta.keywords,
      Creator: meta.creator,
      Producer: meta.producer,
      CreationDate: meta.createdAt,
    },
  });
  doc.font(FONT.sans);
  escapeXmpInfo(doc);
  return doc;
}

/** A PDF name for `value` (e.g. a MIME type): bytes outside the regular characters become `#xx`. */
export function pdfName(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const regular = byte > 0x20 && byte < 0x7f && !'()<>[]{}/%#'.includes(String.fromCharCode(byte));
    out += regular ? String.fromCharCode(byte) : `#${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

interface CatalogInternals {
  _root: { data: { AF?: PDFKit.PDFKitReference[] } };
}

/**
 * Embeds a file as a PDF/A-3 associated file. Built from plain objects rather than pdfkit's
 * `file()`, which writes the MD5 checksum as 32 hex characters where the PDF specification
 * wants its 16 bytes. The embedded-file stream carries its MIME type (`/Subtype`), size, MD5 and
 * dates (the pack's time, so output is reproducible); the file specification has `/F`, `/UF`,
 * `/Desc` and `/AFRelationship /Data`; it is listed in the catalog's `/AF` array and in the
 * `/EmbeddedFiles` name tree, so readers show it as an attachment.
 */
export function embedFile(doc: PDFKit.PDFDocument, file: Attachment, at: Date): void {
  const bytes = attachmentBytes(file);
  const stream = doc.ref({
    Type: 'EmbeddedFile',
    Subtype: pdfName(file.mime),
    Params: { Size: bytes.byteLength, CheckSum: new Uint8Array(createHash('md5').update(bytes).digest()), CreationDate: at, ModDate: at },
  });
  stream.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const spec = doc.ref({
    Type: 'Filespec',
    F: new String(file.name),
    UF: new String(file.name),
    Desc: new String(file.description),
    AFRelationship: 'Data',
    EF: { F: stream, UF: stream },
  });
  spec.end(undefined);
  doc.addNamedEmbeddedFile(file.name, spec);
  const root = (doc as unknown as CatalogInternals)._root;
  if (!root?.data) throw new Error('pdfkit internals changed: no document catalog');
  root.data.AF = [...(root.data.AF ?? []), spec];
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

interface InfoInternals {
  info: { Title?: string; Author?: string; Subject?: string; Keywords?: string; Creator?: string; Producer?: string; CreationDate: Date };
  appendXML(xml: string, newline?: boolean): void;
  _addInfo?: () => void;
}

/**
 * pdfkit copies the document info into the XMP packet without XML escaping, so an org named
 * `A&B` would make the metadata unparseable (and the file not PDF/A). PDF/A requires the info
 * dictionary and the XMP to agree, so the same values are written, escaped. Replaces pdfkit's
 * `_addInfo`; the test suite reads the XMP back, so a pdfkit upgrade that renames it fails loudly.
 */
function escapeXmpInfo(doc: PDFKit.PDFDocument): void {
  const d = doc as unknown as InfoInternals;
  if (typeof d._addInfo !== 'function') throw new Error('pdfkit internals changed: _addInfo not found');
  d._addInfo = function addEscapedInfo(this: InfoInternals): void {
    const i = this.info;
    const created = `${i.CreationDate.toISOString().split('.')[0]}Z`;
    const parts: string[] = [
      `<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">`,
      `<xmp:CreateDate>${created}</xmp:CreateDate>`,
      `<xmp:CreatorTool>${xml(i.Creator ?? '')}</xmp:CreatorTool>`,
      `</rdf:Description>`,
      `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">`,
      `<dc:format>application/pdf</dc:format>`,
    ];
    if (i.Title) parts.push(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xml(i.Title)}</rdf:li></rdf:Alt></dc:title>`);
    if (i.Author) parts.push(`<dc:creator><rdf:Seq><rdf:li>${xml(i.Author)}</rdf:li></rdf:Seq></dc:creator>`);
    if (i.Subject) parts.push(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xml(i.Subject)}</rdf:li></rdf:Alt></dc:description>`);
    parts.push(`</rdf:Description>`);
    parts.push(`<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">`);
    parts.push(`<pdf:Producer>${xml(i.Producer ?? '')}</pdf:Producer>`);
    if (i.Keywords) parts.push(`<pdf:Keywords>${xml(i.Keywords)}</pdf:Keywords>`);
    parts.push(`</rdf:Description>`);
    this.appendXML(parts.join('\n'));
  };
}
