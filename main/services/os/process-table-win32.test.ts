import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cimProcessQuery, parseCimDate, parseCimProcesses, taskkillCommand, windowsCommandLine } from './process-table-win32';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', 'win32-processes', name), 'utf8');
const WINDOWS_ENV = { SystemRoot: 'C:\\Windows' };
const LLAMA_COMMAND =
  '"C:\\Users\\Jürgen Müller\\.helixcode\\local-llm\\bin\\llama.cpp\\llama-server.exe" --host 127.0.0.1 --port 8080 -m "D:\\KI & Modelle\\Tom\'s qwen2.5-0.5b-instruct-q4_k_m.gguf"';

/** The script inside -EncodedCommand, as PowerShell will run it. */
function decodedScript(args: string[]): string {
  const encoded = args[args.indexOf('-EncodedCommand') + 1]!;
  return Buffer.from(encoded, 'base64').toString('utf16le');
}

describe('parseCimProcesses', () => {
  it("reads a Windows PowerShell 5.1 table: \\/Date()\\/ times, escaped & and ', non-ASCII paths, null command lines", () => {
    const rows = parseCimProcesses(fixture('ps51-table.json'));
    expect(rows).toHaveLength(10);
    expect(rows.find((r) => r.pid === 7344)).toEqual({
      pid: 7344,
      ppid: 5120,
      command: LLAMA_COMMAND,
      startedAt: Date.parse('2026-11-29T09:20:00.123Z'),
    });
    expect(rows.find((r) => r.pid === 8120)?.command).toBe('"C:\\モデル\\koboldcpp.exe" --port 5001');
    // The System Idle Process has neither; another user's service has a start but no command line.
    expect(rows.find((r) => r.pid === 0)).toEqual({ pid: 0, ppid: 0 });
    expect(rows.find((r) => r.pid === 5996)).toEqual({ pid: 5996, ppid: 700, startedAt: Date.parse('2026-11-29T07:02:20.000Z') });
  });

  it('reads PowerShell 7 output (ISO times with offset and 100 ns digits) to the same rows as 5.1', () => {
    expect(parseCimProcesses(fixture('ps7-table.json'))).toEqual(parseCimProcesses(fixture('ps51-table.json')));
  });

  it('reads the single-process form, an object instead of an array, from both versions', () => {
    const [fromTable] = parseCimProcesses(fixture('ps51-table.json')).filter((r) => r.pid === 7344);
    expect(parseCimProcesses(fixture('ps51-one.json'))).toEqual([fromTable]);
    expect(parseCimProcesses(fixture('ps7-one.json'))).toEqual([fromTable]);
  });

  it('reads no output as no process, and ignores a UTF-8 byte order mark', () => {
    expect(parseCimProcesses('')).toEqual([]);
    expect(parseCimProcesses('\r\n')).toEqual([]);
    expect(parseCimProcesses(`\uFEFF${fixture('ps51-one.json')}`)).toHaveLength(1);
  });

  it('throws on output that is not the JSON asked for, so "could not look" is not read as "nothing runs"', () => {
    expect(() => parseCimProcesses('Get-CimInstance : Access denied\r\nAt line:1 char:1')).toThrow();
  });

  it('skips rows without a usable process id', () => {
    expect(parseCimProcesses('[{"ProcessId":"x"},{"ProcessId":12,"ParentProcessId":null,"CommandLine":null,"CreationDate":null}]')).toEqual(
      [{ pid: 12 }],
    );
  });
});

describe('parseCimDate', () => {
  it('reads both serialisations of one instant to the same ms', () => {
    const instant = Date.parse('2026-11-29T09:20:00.123Z');
    expect(parseCimDate('/Date(1795944000123)/')).toBe(instant);
    expect(parseCimDate('/Date(1795944000123+0100)/')).toBe(instant); // DataContract style: the offset is only a hint
    expect(parseCimDate('2026-11-29T10:20:00.1234567+01:00')).toBe(instant);
    expect(parseCimDate('2026-11-29T04:50:00.123-04:30')).toBe(instant);
    expect(parseCimDate('2026-11-29T09:20:00.123Z')).toBe(instant);
    expect(parseCimDate('2026-11-29T09:20:00Z')).toBe(instant - 123);
  });

  it('reads a time without a zone as local time, and the wrapper 5.1 writes for a DateTime with extra members', () => {
    expect(parseCimDate('2026-11-29T10:20:00.5')).toBe(new Date(2026, 10, 29, 10, 20, 0, 500).getTime());
    expect(parseCimDate({ value: '/Date(1795944000123)/', DisplayHint: 2, DateTime: 'Sunday, November 29, 2026 10:20:00 AM' })).toBe(
      1795944000123,
    );
  });

  it('gives undefined for anything else', () => {
    for (const value of [null, undefined, 42, '', 'yesterday', '20261129102000.123456+060', '/Date(abc)/', {}])
      expect(parseCimDate(value)).toBeUndefined();
  });
});

describe('cimProcessQuery', () => {
  it('runs Windows PowerShell from System32 with the query passed encoded, progress silenced and UTF-8 out', () => {
    const { file, args } = cimProcessQuery([7344, 8120], WINDOWS_ENV);
    expect(file).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(args.slice(0, 4)).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-EncodedCommand']);
    const script = decodedScript(args);
    expect(script).toContain("$ProgressPreference = 'SilentlyContinue'");
    expect(script).toContain('[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false');
    expect(script).toContain(
      "Get-CimInstance -ClassName Win32_Process -Filter 'ProcessId=7344 OR ProcessId=8120' | Select-Object ProcessId,ParentProcessId,CommandLine,CreationDate | ConvertTo-Json -Compress",
    );
  });

  it('reads the whole table when no PIDs (or very many) are asked for', () => {
    expect(decodedScript(cimProcessQuery(undefined, WINDOWS_ENV).args)).toContain(
      'Get-CimInstance -ClassName Win32_Process | Select-Object',
    );
    const many = Array.from({ length: 100 }, (_, i) => 1000 + i * 4);
    expect(decodedScript(cimProcessQuery(many, WINDOWS_ENV).args)).not.toContain('-Filter');
  });

  it('puts nothing but integers into the query', () => {
    expect(() => cimProcessQuery([Number('1; Stop-Computer')])).toThrow(/not a process id/);
    expect(() => cimProcessQuery([1.5])).toThrow(/not a process id/);
  });

  it('falls back to the bare program name where SystemRoot is unknown', () => {
    expect(cimProcessQuery([], {}).file).toBe('powershell.exe');
  });
});

describe('taskkillCommand', () => {
  it('asks politely for several trees in one run', () => {
    expect(taskkillCommand([7344, 8120], { force: false, tree: true }, WINDOWS_ENV)).toEqual({
      file: 'C:\\Windows\\System32\\taskkill.exe',
      args: ['/PID', '7344', '/PID', '8120', '/T'],
    });
  });

  it('forces with /F, with or without the tree', () => {
    expect(taskkillCommand([7344], { force: true, tree: true }, WINDOWS_ENV).args).toEqual(['/PID', '7344', '/T', '/F']);
    expect(taskkillCommand([7344], { force: true, tree: false }, WINDOWS_ENV).args).toEqual(['/PID', '7344', '/F']);
  });

  it('refuses kernel PIDs, non-integers and an empty list rather than widen what is killed', () => {
    for (const pid of [0, 4, -1, Number.NaN, 12.5])
      expect(() => taskkillCommand([pid], { force: true, tree: true })).toThrow(/not a process id/);
    expect(() => taskkillCommand([], { force: true, tree: true })).toThrow(/at least one/);
  });
});

describe('windowsCommandLine', () => {
  it('quotes each argument as libuv does, so an argv compares with the CommandLine CIM shows', () => {
    // The cases libuv's own tests use for its Windows argument quoting.
    const cases: Array<[string, string]> = [
      ['hello"world', '"hello\\"world"'],
      ['hello""world', '"hello\\"\\"world"'],
      ['hello\\world', 'hello\\world'],
      ['hello\\\\world', 'hello\\\\world'],
      ['hello\\"world', '"hello\\\\\\"world"'],
      ['hello\\\\"world', '"hello\\\\\\\\\\"world"'],
      ['hello world\\', '"hello world\\\\"'],
      ['', '""'],
    ];
    for (const [arg, quoted] of cases) expect(windowsCommandLine([arg])).toBe(quoted);
  });

  it('builds the llama-server line of the recorded table from its argv', () => {
    const argv = [
      'C:\\Users\\Jürgen Müller\\.helixcode\\local-llm\\bin\\llama.cpp\\llama-server.exe',
      '--host',
      '127.0.0.1',
      '--port',
      '8080',
      '-m',
      "D:\\KI & Modelle\\Tom's qwen2.5-0.5b-instruct-q4_k_m.gguf",
    ];
    expect(windowsCommandLine(argv)).toBe(LLAMA_COMMAND);
  });
});
