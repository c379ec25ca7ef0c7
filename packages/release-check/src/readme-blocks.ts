/**
 * The code blocks of a Markdown file, and whether a block is mirrored by a file of the repository
 * line for line. Pure: callers read the files.
 */
export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
}

/** Every fenced block (``` or ~~~) of a Markdown text, in order. */
export function codeBlocks(file: string, markdown: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(```|~~~)\s*([\w-]*)/.exec(lines[i] ?? "");
    if (!open) continue;
    const fence = open[1] ?? "```";
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? "").startsWith(fence); i++) body.push(lines[i] ?? "");
    out.push({ file, line: start + 1, lang: open[2] ?? "", text: body.join("\n") });
  }
  return out;
}

/** The lines that carry meaning: trimmed, blank lines and whole-line comments dropped. */
export function meaningfulLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("//") && !l.startsWith("#") && l !== "…" && l !== "...");
}

/**
 * Whether `source` contains every meaningful line of `block`, in the same order (each a substring
 * of one trimmed source line, so a README may drop a trailing comment the code carries).
 */
export function mirrors(block: string, source: string): boolean {
  const want = meaningfulLines(block);
  if (want.length === 0) return true;
  const have = source.split("\n").map((l) => l.trim());
  let at = 0;
  for (const line of have) {
    const w = want[at];
    if (w !== undefined && line.includes(stripTrailingComment(w))) at++;
    if (at === want.length) return true;
  }
  return false;
}

function stripTrailingComment(line: string): string {
  const i = line.search(/\s+(\/\/|#)\s/);
  return i > 0 ? line.slice(0, i) : line;
}
