import { describe, expect, it } from 'vitest';
import type { ToolCheck } from '../../shared/system';
import { toolNeeds } from './tool-needs';

const tool = (id: string, name: string, found: boolean, neededBy: string[] = []): ToolCheck => ({
  id,
  name,
  found,
  status: found ? 'ok' : 'missing',
  neededBy,
});

describe('toolNeeds', () => {
  it('lists the recipes that need a tool by name', () => {
    const git = tool('git', 'Git', true, ['llama.cpp server', 'KoboldCpp']);
    expect(toolNeeds(git, [git])).toEqual({ text: 'llama.cpp server, KoboldCpp', needed: true });
  });

  it('says "not needed" of a tool nothing asks for', () => {
    const go = tool('go', 'Go', false);
    expect(toolNeeds(go, [go])).toEqual({ text: 'not needed', needed: false });
  });

  it('names the compiler that serves as "a C/C++ compiler", and not the others', () => {
    const gcc = tool('gcc', 'GCC', true);
    const clang = tool('clang', 'Clang', false);
    const compiler = tool('c-compiler', 'C/C++ compiler (GCC)', true, ['llama.cpp server']);
    const tools = [gcc, clang, compiler];
    expect(toolNeeds(gcc, tools)).toEqual({ text: 'used as the C/C++ compiler', needed: true });
    expect(toolNeeds(clang, tools)).toEqual({ text: 'not needed: GCC is the C/C++ compiler', needed: false });
  });

  it('asks for any one compiler when none is found', () => {
    const tools = [
      tool('gcc', 'GCC', false),
      tool('clang', 'Clang', false),
      tool('c-compiler', 'C/C++ compiler', false, ['llama.cpp server']),
    ];
    expect(toolNeeds(tools[0]!, tools)).toEqual({ text: 'one of GCC or Clang is needed (see C/C++ compiler)', needed: true });
  });

  it('leaves compilers "not needed" when no recipe needs one', () => {
    const gcc = tool('gcc', 'GCC', true);
    expect(toolNeeds(gcc, [gcc, tool('c-compiler', 'C/C++ compiler (GCC)', true)])).toEqual({ text: 'not needed', needed: false });
  });
});
