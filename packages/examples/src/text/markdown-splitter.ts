/**
 * Splits Markdown into passages for retrieval: first by ATX headings (`#` …
 * `######`, ignoring `#` lines inside fenced code), keeping the heading trail,
 * then within a section by blank-line-separated blocks packed up to
 * `maxChars`, with a short prose overlap between consecutive passages of one
 * section so a sentence cut at a boundary is still findable from either side.
 *
 * Noise it drops: YAML front matter, the markup of `./markup.ts` (HTML
 * comments, real HTML tags, link reference definitions), and later passages of
 * a section that are code with next to no prose: the tail of a long listing,
 * with no heading or sentence to say what it is, makes an unreadable search
 * result. A section's first passage is kept even when it is all code, because
 * its heading says what the code shows ("Quick start").
 * Setext headings (underlined with `===`/`---`) are treated as text.
 */
import type { Passage } from '../corpus/passage.js';
import { htmlTagStripper, isLinkReferenceDefinition, removeHtmlComments } from './markup.js';

/** Options of {@link splitMarkdown}; every field has a default. */
export interface MarkdownSplitOptions {
  /** Upper bound on a passage's `text` length in UTF-16 code units, ≥ 200. Default 1,000. */
  maxChars?: number;
  /** Prose carried over from the previous passage of the same section, in characters, ≥ 0. Default 150. */
  overlapChars?: number;
  /** A passage with less prose than this (code excluded), in characters, is dropped. Default 40. */
  minProseChars?: number;
}

interface Block {
  kind: 'prose' | 'code';
  text: string;
}

interface Section {
  headings: string[];
  blocks: Block[];
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Splits one Markdown document.
 * @param markdown the document text (any line endings).
 * @param file the path recorded in each passage and used in its id (`${file}#${n}`, n from 0).
 * @returns passages in document order, each `text.length ≤ maxChars`.
 * @throws RangeError on an out-of-range option.
 */
export function splitMarkdown(markdown: string, file: string, options: MarkdownSplitOptions = {}): Passage[] {
  const maxChars = options.maxChars ?? 1000;
  const overlapChars = options.overlapChars ?? 150;
  const minProseChars = options.minProseChars ?? 40;
  if (!Number.isInteger(maxChars) || maxChars < 200) throw new RangeError(`maxChars must be an integer >= 200, got ${maxChars}`);
  if (!Number.isInteger(overlapChars) || overlapChars < 0 || overlapChars >= maxChars / 2) {
    throw new RangeError(`overlapChars must be an integer in [0, maxChars / 2), got ${overlapChars}`);
  }
  if (!Number.isFinite(minProseChars) || minProseChars < 0) throw new RangeError(`minProseChars must be >= 0, got ${minProseChars}`);

  const passages: Passage[] = [];
  const source = cleanSource(markdown);
  const stripTags = htmlTagStripper(source);
  for (const section of parseSections(source, stripTags)) {
    for (const text of packSection(section.blocks, maxChars, overlapChars, minProseChars)) {
      passages.push({ id: `${file}#${passages.length}`, file, headings: section.headings, text });
    }
  }
  return passages;
}

/** Normalises line endings and removes front matter and HTML comments. */
function cleanSource(markdown: string): string {
  let source = markdown.replace(/\r\n?/g, '\n');
  source = source.replace(/^---\n[\s\S]*?\n---\n/, '');
  return removeHtmlComments(source);
}

/** Cuts the document into sections at headings, and each section into blocks. */
function parseSections(source: string, stripTags: (text: string) => string): Section[] {
  const sections: Section[] = [];
  const trail: { level: number; title: string }[] = [];
  let current: Section = { headings: [], blocks: [] };
  let lines: string[] = [];
  let fence: string | null = null;

  const endBlock = (): void => {
    if (lines.length === 0) return;
    const text = lines.join('\n');
    lines = [];
    if (fence === null) {
      const prose = stripTags(
        text
          .split('\n')
          .filter((line) => !isLinkReferenceDefinition(line))
          .join('\n'),
      ).trim();
      if (prose.length > 0) current.blocks.push({ kind: 'prose', text: prose });
    } else {
      current.blocks.push({ kind: 'code', text });
    }
  };

  for (const line of source.split('\n')) {
    if (fence !== null) {
      lines.push(line);
      const trimmed = line.trim();
      // A fence closes on a line of the same character, at least as long as the opener.
      if (trimmed.length >= fence.length && trimmed === fence[0].repeat(trimmed.length)) {
        endBlock();
        fence = null;
      }
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      endBlock();
      fence = open[1];
      lines.push(line);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      endBlock();
      if (current.blocks.length > 0) sections.push(current);
      const level = heading[1].length;
      while (trail.length > 0 && trail[trail.length - 1].level >= level) trail.pop();
      trail.push({ level, title: cleanHeading(stripTags(heading[2])) });
      current = { headings: trail.map((h) => h.title), blocks: [] };
      continue;
    }
    if (line.trim() === '') endBlock();
    else lines.push(line);
  }
  // An unclosed fence runs to the end of the document, as CommonMark says.
  endBlock();
  if (current.blocks.length > 0) sections.push(current);
  return sections;
}

/** Heading text without inline Markdown: links keep their label, code spans and emphasis lose their markers. */
function cleanHeading(raw: string): string {
  return raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .replace(/(^|\s)_+|_+(\s|$)/g, '$1$2')
    .trim();
}

/** Packs a section's blocks into passages of at most `maxChars`. */
function packSection(blocks: Block[], maxChars: number, overlapChars: number, minProseChars: number): string[] {
  const pieces = blocks.flatMap((block) => splitBlock(block, maxChars - overlapChars - 2));
  const out: string[] = [];
  let chunkIndex = 0;
  let parts: string[] = [];
  let length = 0;
  let proseChars = 0;
  let codeChars = 0;
  let lastProse: string | null = null;

  const flush = (): void => {
    const keep = proseChars >= minProseChars || (chunkIndex === 0 && codeChars > 0);
    if (keep) out.push(parts.join('\n\n'));
    chunkIndex++;
    const overlap = keep && lastProse !== null && overlapChars > 0 ? tail(lastProse, overlapChars) : '';
    parts = overlap.length > 0 ? [overlap] : [];
    length = overlap.length;
    proseChars = 0;
    codeChars = 0;
    lastProse = null;
  };

  for (const piece of pieces) {
    const fits = (): boolean => length === 0 || length + 2 + piece.text.length <= maxChars;
    if (!fits() && proseChars + codeChars > 0) flush();
    // Only overlap is left and the piece does not fit beside it: start clean.
    if (!fits()) {
      parts = [];
      length = 0;
    }
    length += (parts.length > 0 ? 2 : 0) + piece.text.length;
    parts.push(piece.text);
    if (piece.kind === 'prose') {
      proseChars += piece.text.length;
      lastProse = piece.text;
    } else {
      codeChars += piece.text.length;
      lastProse = null;
    }
  }
  if (proseChars + codeChars > 0) flush();
  return out;
}

/** Splits a block longer than `limit`: prose at sentence ends (then spaces), code at line ends. */
function splitBlock(block: Block, limit: number): Block[] {
  if (block.text.length <= limit) return [block];
  const units =
    block.kind === 'code' ? block.text.split(/(?<=\n)/) : block.text.split(/(?<=[.!?:;])\s+|(?<=\n)/);
  const out: Block[] = [];
  let current = '';
  const joiner = block.kind === 'code' ? '' : ' ';
  for (const unit of units.flatMap((u) => hardSplit(u, limit))) {
    const next = current.length === 0 ? unit : current + joiner + unit;
    if (next.length > limit && current.length > 0) {
      out.push({ kind: block.kind, text: current.trimEnd() });
      current = unit;
    } else {
      current = next;
    }
  }
  if (current.trim().length > 0) out.push({ kind: block.kind, text: current.trimEnd() });
  return out;
}

/** Cuts a single unit with no usable break (a very long sentence or line) at spaces, or anywhere as a last resort. */
function hardSplit(unit: string, limit: number): string[] {
  if (unit.length <= limit) return [unit];
  const out: string[] = [];
  let rest = unit;
  while (rest.length > limit) {
    const space = rest.lastIndexOf(' ', limit);
    const cut = space > limit / 2 ? space : limit;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

/** The last ≤ `maxChars` characters of `text`, starting at a sentence start if there is one, else a word start. */
function tail(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const window = text.slice(text.length - maxChars);
  const sentence = /[.!?]\s+(?=\S)/.exec(window);
  if (sentence) return window.slice(sentence.index + sentence[0].length);
  const space = window.indexOf(' ');
  return space >= 0 ? window.slice(space + 1) : window;
}
