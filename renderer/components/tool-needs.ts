import { C_COMPILER_IDS, type ToolCheck } from '../../shared/system';

/**
 * What the "Needed by" cell says for a tool. A compiler (GCC, Clang, MSVC) is never needed by name:
 * recipes ask for "a C/C++ compiler", so its own row would read "not needed" right beside the
 * C/C++ compiler row that names it and lists who needs it. It says its part in that instead.
 */
export function toolNeeds(tool: ToolCheck, tools: readonly ToolCheck[]): { text: string; needed: boolean } {
  if (tool.neededBy.length > 0) return { text: tool.neededBy.join(', '), needed: true };
  const compiler = tools.find((t) => t.id === 'c-compiler');
  if (!isCompiler(tool.id) || !compiler || compiler.neededBy.length === 0) return { text: 'not needed', needed: false };
  if (!compiler.found) {
    const names = tools.filter((t) => isCompiler(t.id)).map((t) => t.name);
    return { text: `one of ${listOr(names)} is needed (see C/C++ compiler)`, needed: true };
  }
  if (compiler.name === `C/C++ compiler (${tool.name})`) return { text: 'used as the C/C++ compiler', needed: true };
  return { text: `not needed: ${compiler.name.replace(/^C\/C\+\+ compiler \((.*)\)$/, '$1')} is the C/C++ compiler`, needed: false };
}

function isCompiler(id: string): boolean {
  return (C_COMPILER_IDS as readonly string[]).includes(id);
}

function listOr(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
