/**
 * Reads a tool call's JSON as the model writes it, a piece at a time, and passes on the text of its
 * arguments as it comes, so a client sees them grow as OpenAI streams them. Two shapes:
 * - `arguments`: the whole JSON value is the arguments (a named call; node-llama-cpp's params);
 * - `call`: `{"name": …, "arguments": …}` (a call of one of several tools): the arguments' text is
 *   held until the name is whole, as a call is announced by its name.
 * Whatever follows the value (a chat template's end-of-call text) is dropped. The text passed on is
 * the model's own (its spacing kept), so joined it parses as the value generated.
 */
export class CallJsonReader {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** `call` shape, at depth 1: reading a member's key, waiting for its colon, or reading its value. */
  private member: 'between' | 'key' | 'colon' | 'value-start' | 'value' = 'between';
  private key = '';
  /** The key of the member whose value is being read. */
  private current = '';
  private valueKind: 'string' | 'container' | 'primitive' = 'primitive';
  private nameText = '';
  private name: string | undefined;
  private held = '';
  private started = false;
  private done = false;

  constructor(
    private readonly shape: 'arguments' | 'call',
    private readonly onArguments: (text: string) => void,
    /** `call` shape: the call's name, once it is whole (before any of its arguments are passed on). */
    private readonly onName: (name: string) => void = () => {},
  ) {}

  /** The value (the arguments, or the whole call) has been read to its end. */
  get complete(): boolean {
    return this.done;
  }

  push(text: string): void {
    let out = '';
    for (const c of text) {
      if (this.done) break;
      if (this.shape === 'arguments' ? this.rootStep(c) : this.callStep(c)) out += c;
    }
    if (!out) return;
    if (this.shape === 'call' && this.name === undefined) this.held += out;
    else this.onArguments(out);
  }

  /** Follows strings (and their escapes) and nesting, so a bracket inside a string is not taken for one. */
  private scan(c: string): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === '\\') this.escaped = true;
      else if (c === '"') this.inString = false;
    } else if (c === '"') this.inString = true;
    else if (c === '{' || c === '[') this.depth++;
    else if (c === '}' || c === ']') this.depth--;
  }

  /** The whole value is the arguments: everything from its first character to its end. */
  private rootStep(c: string): boolean {
    if (!this.started) {
      if (isSpace(c)) return false;
      this.started = true;
    }
    this.scan(c);
    // A bare value (a number, a string) has no end to wait for: it is whole when generation ends.
    if (this.depth === 0 && !this.inString && (c === '}' || c === ']')) this.done = true;
    return true;
  }

  /** `{"name": …, "arguments": …}`: the name is kept, the arguments' characters passed on. */
  private callStep(c: string): boolean {
    if (!this.started) {
      if (c === '{') {
        this.started = true;
        this.depth = 1;
      }
      return false;
    }
    switch (this.member) {
      case 'between':
        if (c === '"') {
          this.member = 'key';
          this.key = '';
        } else if (c === '}') this.done = true;
        return false;
      case 'key':
        // The grammar writes the schema's own keys: no escapes in them.
        if (c === '"') this.member = 'colon';
        else this.key += c;
        return false;
      case 'colon':
        if (c === ':') this.member = 'value-start';
        return false;
      case 'value-start':
        if (isSpace(c)) return false;
        this.current = this.key;
        this.member = 'value';
        this.valueKind = c === '"' ? 'string' : c === '{' || c === '[' ? 'container' : 'primitive';
        this.scan(c);
        if (this.current === 'name') this.nameText = c;
        return this.current === 'arguments';
      case 'value':
        if (this.valueKind === 'primitive' && (c === ',' || c === '}' || isSpace(c))) {
          this.member = 'between';
          if (c === '}') this.done = true;
          return false;
        }
        this.scan(c);
        if (this.current === 'name') this.nameText += c;
        if (this.valueKind === 'string' ? !this.inString : this.valueKind === 'container' && this.depth === 1) {
          this.member = 'between';
          if (this.current === 'name') this.named();
        }
        return this.current === 'arguments';
    }
  }

  private named(): void {
    try {
      this.name = String(JSON.parse(this.nameText));
    } catch {
      this.name = this.nameText;
    }
    this.onName(this.name);
    if (this.held) {
      const held = this.held;
      this.held = '';
      this.onArguments(held);
    }
  }
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}
