/** Page geometry, fonts and colours of the review pack. One place, so every section agrees. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Severity } from '../../domain/common.js';

/** A4 portrait in points. */
export const PAGE = { width: 595.28, height: 841.89 } as const;
export const MARGIN = { top: 62, bottom: 58, left: 50, right: 50 } as const;
export const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;

/** DejaVu from the npm package: embedded, so the file renders the same on any machine (PDF/A forbids the standard 14 fonts). */
function fontFiles(): { sans: string; bold: string; mono: string } {
  const pkg = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json');
  const dir = join(dirname(pkg), 'ttf');
  return {
    sans: join(dir, 'DejaVuSans.ttf'),
    bold: join(dir, 'DejaVuSans-Bold.ttf'),
    mono: join(dir, 'DejaVuSansMono.ttf'),
  };
}

/**
 * Fonts are selected by file path, not by a registered alias: pdfkit caches a font under the key
 * it was first opened with, and an alias for a font already opened by path is re-parsed on every
 * switch (seconds per page).
 */
export const FONT = fontFiles();
export type Font = string;

export const SIZE = { title: 24, h1: 16, h2: 12, h3: 10, body: 9.5, small: 8, table: 7.5, footer: 7 } as const;

export const COLOR = {
  text: '#1f2933',
  muted: '#5f6b7a',
  rule: '#c7ced6',
  headerFill: '#e3e8ee',
  zebra: '#f4f6f8',
  accent: '#1d3f6e',
  box: '#eef2f7',
  warnFill: '#fdf3e1',
  warnRule: '#c58a1b',
} as const;

/**
 * Severity shades chosen to differ in lightness (dark → light), so charts stay readable when
 * printed in grey-scale; every bar also carries its number.
 */
export const SEVERITY_COLOR: Readonly<Record<Severity, string>> = {
  high: '#7a1f1f',
  medium: '#c05a17',
  low: '#e0b43c',
  info: '#c9d3de',
};

/** Text colour that reads on top of the severity shade. */
export const SEVERITY_INK: Readonly<Record<Severity, string>> = {
  high: '#ffffff',
  medium: '#ffffff',
  low: '#1f2933',
  info: '#1f2933',
};
