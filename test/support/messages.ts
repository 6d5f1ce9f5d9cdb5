/** How the locale tests read a message: the argument names the translator fills, ICU branches included. */
import { IntlMessageFormat } from 'intl-messageformat';
import { isIcuMessage } from '../../src/platform/i18n';

interface AstNode {
  type: number;
  value?: string;
  options?: Record<string, { value: AstNode[] }>;
  children?: AstNode[];
}

function namesInAst(nodes: AstNode[], out: Set<string>): void {
  for (const n of nodes) {
    // Literals (0) and `#` (7) name nothing; every other element is an argument, plural and select ones with branches.
    if (n.type !== 0 && n.type !== 7 && n.value) out.add(n.value);
    for (const branch of Object.values(n.options ?? {})) namesInAst(branch.value, out);
    if (n.children) namesInAst(n.children, out);
  }
}

/** Argument names of a message, read as the translator reads it: `{name}`, or ICU arguments, branches included. */
export function argumentsOf(message: string): string[] {
  if (!isIcuMessage(message)) return [...new Set([...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
  const names = new Set<string>();
  namesInAst(new IntlMessageFormat(message, 'fr', undefined, { ignoreTag: true }).getAst() as unknown as AstNode[], names);
  return [...names].sort();
}

