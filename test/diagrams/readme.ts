/*
 * The README's `## The statecharts` section holds one Mermaid block per machine, each between
 * `<!-- diagram:NAME -->` and `<!-- /diagram:NAME -->`. These helpers read and rewrite those blocks
 * and nothing else of the file.
 */

export const SECTION = '## The statecharts';

const INTRO =
  'Generated from the machines themselves (`test/diagrams/mermaid.ts`); `npx vitest run test/diagrams` fails when one is out of date, and `UPDATE_DIAGRAMS=1 npx vitest run test/diagrams` rewrites them. Arrows are the transitions that change state, labelled `event [guard]`; `after x` is a delay, `[else]` the branch taken when the guards above it fail. Inside a box (or its note): what the state invokes, and events handled without leaving it, as `event [guard] / actions`.';

const open = (name: string) => `<!-- diagram:${name} -->`;
const close = (name: string) => `<!-- /diagram:${name} -->`;

/** The marked block for `name`: the markers around a Mermaid code block. */
export const block = (name: string, mermaid: string) =>
  `${open(name)}\n\`\`\`mermaid\n${mermaid}\n\`\`\`\n${close(name)}`;

/** The Mermaid text between the markers for `name`, or null when the README has no such block. */
export function embedded(readme: string, name: string): string | null {
  const start = readme.indexOf(open(name));
  const end = readme.indexOf(close(name));
  if (start < 0 || end < start) return null;
  const inner = readme.slice(start + open(name).length, end);
  const match = /```mermaid\n([\s\S]*?)\n```/.exec(inner);
  return match ? (match[1] as string) : null;
}

/** The README with every diagram block replaced or, when missing, added at the end of the section. */
export function withDiagrams(readme: string, diagrams: Record<string, string>): string {
  let text = readme;
  if (!text.includes(`\n${SECTION}\n`)) text = `${text.trimEnd()}\n\n${SECTION}\n\n${INTRO}\n`;
  for (const [name, mermaid] of Object.entries(diagrams)) {
    const start = text.indexOf(open(name));
    const end = text.indexOf(close(name));
    if (start >= 0 && end > start) {
      text = `${text.slice(0, start)}${block(name, mermaid)}${text.slice(end + close(name).length)}`;
      continue;
    }
    // At the end of the section: before the next `## ` heading, or at the end of the file.
    const sectionAt = text.indexOf(`\n${SECTION}\n`) + 1;
    const next = text.indexOf('\n## ', sectionAt + SECTION.length);
    const at = next < 0 ? text.length : next + 1;
    const before = text.slice(0, at).trimEnd();
    const after = text.slice(at);
    text = `${before}\n\n### ${name}\n\n${block(name, mermaid)}\n${after ? `\n${after}` : ''}`;
  }
  return text;
}
