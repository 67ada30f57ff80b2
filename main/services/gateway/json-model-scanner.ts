/**
 * Reads a JSON request body chunk by chunk, as it streams through the gateway, to find the
 * top-level "model" string as early as possible and to tell whether the whole body is valid JSON
 * — without ever holding the body as one string. Routing needs only `model`; validity decides
 * between forwarding and answering 400.
 *
 * A byte-level state machine (RFC 8259 grammar; bytes ≥ 0x80 inside strings are taken as they
 * are). Numbers, literals and strings are checked, not built, so a large body allocates nothing
 * beyond the model's own bytes.
 */

const enum State {
  Start,
  Value,
  ValueOrEnd,
  KeyOrEnd,
  Key,
  Colon,
  AfterValue,
  String,
  Escape,
  Unicode,
  Literal,
  NumSign,
  NumZero,
  NumInt,
  NumDot,
  NumFrac,
  NumExp,
  NumExpSign,
  NumExpDigits,
  Done,
  Failed,
}

const OBJECT = 1;
const ARRAY = 2;
const MAX_DEPTH = 512;
const MAX_MODEL_BYTES = 512;
const MODEL = [0x6d, 0x6f, 0x64, 0x65, 0x6c]; // "model"
const LITERALS = [
  [0x74, 0x72, 0x75, 0x65],
  [0x66, 0x61, 0x6c, 0x73, 0x65],
  [0x6e, 0x75, 0x6c, 0x6c],
];

/** What kind of string is being read, which decides what its bytes are compared with or kept for. */
const enum StringRole {
  Other,
  /** A key of the top-level object: compared with "model". */
  TopKey,
  /** The value of the top-level "model" key: kept. */
  Model,
}

export class JsonModelScanner {
  /** The top-level "model" value, once read. */
  model: string | undefined;
  /** Why the body is not acceptable, once known; nothing else changes after that. */
  error: string | undefined;
  /** The error concerns the model field rather than the JSON syntax. */
  modelError = false;

  private state = State.Start;
  /** Open containers, innermost last; a plain array, since most bodies nest only a few levels. */
  private readonly stack: number[] = [];
  private depth = 0;
  private offset = 0;
  private role = StringRole.Other;
  private inKey = false;
  private keyIndex = 0;
  private keyMatches = false;
  private nextValueIsModel = false;
  private unicodeLeft = 0;
  private literal: number[] = LITERALS[0]!;
  private literalIndex = 0;
  private modelParts: Buffer[] = [];
  private modelBytes = 0;
  private modelStart = -1;

  /** True once the whole body has been seen and is valid. */
  get complete(): boolean {
    return this.state === State.Done;
  }

  push(chunk: Buffer): void {
    if (this.error !== undefined) return;
    const length = chunk.length;
    let i = 0;
    // Inside the model's string (escapes included) since an earlier chunk: keep this one's bytes too.
    if (this.role === StringRole.Model) this.modelStart = 0;
    scan: while (i < length) {
      const c = chunk[i]!;
      switch (this.state) {
        case State.String: {
          // Tight loop over ordinary string bytes: most of a body is message text.
          if (this.role === StringRole.Other) {
            while (i < length) {
              const b = chunk[i]!;
              if (b === 0x22 || b === 0x5c || b < 0x20) break;
              i++;
            }
            if (i === length) break scan;
          }
          const b = chunk[i]!;
          if (b === 0x22) {
            this.endString(chunk, i);
            if (this.error !== undefined) return;
          } else if (b === 0x5c) {
            this.keyMatches = false;
            this.state = State.Escape;
          } else if (b < 0x20) {
            return this.fail(`a control character (0x${b.toString(16).padStart(2, '0')}) inside a string`, i);
          } else if (this.role === StringRole.TopKey) {
            this.keyMatches = this.keyMatches && this.keyIndex < MODEL.length && MODEL[this.keyIndex] === b;
            this.keyIndex++;
          }
          i++;
          continue;
        }
        case State.Escape:
          if (c === 0x75) {
            this.state = State.Unicode;
            this.unicodeLeft = 4;
          } else if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) {
            this.state = State.String;
          } else {
            return this.fail(`an invalid escape "\\${String.fromCharCode(c)}"`, i);
          }
          i++;
          continue;
        case State.Unicode:
          if (!isHex(c)) return this.fail('an invalid \\u escape', i);
          if (--this.unicodeLeft === 0) this.state = State.String;
          i++;
          continue;
        case State.Literal:
          if (c !== this.literal[this.literalIndex]) return this.fail(`an unexpected ${describe(c)}`, i);
          if (++this.literalIndex === this.literal.length) this.state = State.AfterValue;
          i++;
          continue;
        case State.NumSign:
          if (c === 0x30) this.state = State.NumZero;
          else if (c >= 0x31 && c <= 0x39) this.state = State.NumInt;
          else return this.fail('a "-" without digits', i);
          i++;
          continue;
        case State.NumZero:
        case State.NumInt:
          if (c >= 0x30 && c <= 0x39) {
            if (this.state === State.NumZero) return this.fail('a number with a leading zero', i);
            i++;
          } else if (c === 0x2e) {
            this.state = State.NumDot;
            i++;
          } else if (c === 0x65 || c === 0x45) {
            this.state = State.NumExp;
            i++;
          } else {
            this.state = State.AfterValue;
          }
          continue;
        case State.NumDot:
        case State.NumExpSign: {
          // A "." or an exponent's sign must be followed by a digit.
          const afterDot = this.state === State.NumDot;
          if (c < 0x30 || c > 0x39) return this.fail(afterDot ? 'a "." without digits after it' : 'an exponent without digits', i);
          this.state = afterDot ? State.NumFrac : State.NumExpDigits;
          i++;
          continue;
        }
        case State.NumFrac:
          if (c >= 0x30 && c <= 0x39) i++;
          else if (c === 0x65 || c === 0x45) {
            this.state = State.NumExp;
            i++;
          } else this.state = State.AfterValue;
          continue;
        case State.NumExp:
          if (c === 0x2b || c === 0x2d) this.state = State.NumExpSign;
          else if (c >= 0x30 && c <= 0x39) this.state = State.NumExpDigits;
          else return this.fail('an exponent without digits', i);
          i++;
          continue;
        case State.NumExpDigits:
          if (c >= 0x30 && c <= 0x39) i++;
          else this.state = State.AfterValue;
          continue;
        default:
          break;
      }
      // Structural states: whitespace is skipped between tokens.
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
        i++;
        continue;
      }
      switch (this.state) {
        case State.Start:
          if (c !== 0x7b) return this.fail(`${describe(c)} where the body should start with "{" (it must be a JSON object)`, i);
          this.open(OBJECT, i);
          this.state = State.KeyOrEnd;
          break;
        case State.KeyOrEnd:
        case State.Key:
          if (c === 0x7d && this.state === State.KeyOrEnd) this.close();
          else if (c === 0x22) {
            this.inKey = true;
            this.startString(this.depth === 1 ? StringRole.TopKey : StringRole.Other, i);
          } else return this.fail(`${describe(c)} where a key in double quotes should be`, i);
          break;
        case State.Colon:
          if (c !== 0x3a) return this.fail(`${describe(c)} where ":" should be`, i);
          this.state = State.Value;
          break;
        case State.ValueOrEnd:
        case State.Value: {
          if (c === 0x5d && this.state === State.ValueOrEnd) {
            this.close();
            break;
          }
          const isModel = this.nextValueIsModel;
          this.nextValueIsModel = false;
          if (isModel && c !== 0x22) {
            this.modelError = true;
            return this.fail('"model" that is not a string', i, true);
          }
          if (c === 0x22) this.startString(isModel ? StringRole.Model : StringRole.Other, i);
          else if (c === 0x7b) {
            if (!this.open(OBJECT, i)) return;
            this.state = State.KeyOrEnd;
          } else if (c === 0x5b) {
            if (!this.open(ARRAY, i)) return;
            this.state = State.ValueOrEnd;
          } else if (c === 0x2d) this.state = State.NumSign;
          else if (c === 0x30) this.state = State.NumZero;
          else if (c >= 0x31 && c <= 0x39) this.state = State.NumInt;
          else if (c === 0x74 || c === 0x66 || c === 0x6e) {
            this.literal = LITERALS[c === 0x74 ? 0 : c === 0x66 ? 1 : 2]!;
            this.literalIndex = 1;
            this.state = State.Literal;
          } else return this.fail(`${describe(c)} where a value should be`, i);
          break;
        }
        case State.AfterValue: {
          const top = this.stack[this.depth - 1];
          if (c === 0x2c) this.state = top === OBJECT ? State.Key : State.Value;
          else if (c === 0x7d && top === OBJECT) this.close();
          else if (c === 0x5d && top === ARRAY) this.close();
          else return this.fail(`${describe(c)} where "," or "${top === OBJECT ? '}' : ']'}" should be`, i);
          break;
        }
        case State.Done:
          return this.fail(`${describe(c)} after the end of the JSON object`, i);
        default:
          break;
      }
      i++;
    }
    if (this.role === StringRole.Model) this.keepModelBytes(chunk, this.modelStart, length);
    this.offset += length;
  }

  /** The body ended: anything unfinished is an error. */
  end(): void {
    if (this.error !== undefined) return;
    if (this.state === State.NumZero || this.state === State.NumInt || this.state === State.NumFrac || this.state === State.NumExpDigits) {
      this.state = this.depth === 0 ? State.Done : State.AfterValue;
    }
    if (this.state === State.Start) return this.fail('an empty body (send a JSON object)', 0);
    if (this.state !== State.Done) this.fail('the end of the body before the JSON was complete', 0);
  }

  private open(kind: number, at: number): boolean {
    if (this.depth === MAX_DEPTH) {
      this.fail(`nesting deeper than ${MAX_DEPTH} levels`, at);
      return false;
    }
    this.stack[this.depth++] = kind;
    return true;
  }

  private close(): void {
    this.depth--;
    this.state = this.depth === 0 ? State.Done : State.AfterValue;
  }

  private startString(role: StringRole, at: number): void {
    this.role = role;
    this.state = State.String;
    if (role === StringRole.TopKey) {
      this.keyIndex = 0;
      this.keyMatches = true;
    } else if (role === StringRole.Model) {
      this.modelStart = at + 1;
      this.modelParts = [];
      this.modelBytes = 0;
    }
  }

  private endString(chunk: Buffer, at: number): void {
    const role = this.role;
    this.role = StringRole.Other;
    if (this.inKey) {
      this.inKey = false;
      this.state = State.Colon;
      if (role !== StringRole.TopKey) return;
      if (this.keyMatches && this.keyIndex === MODEL.length) {
        if (this.model !== undefined || this.modelParts.length > 0) {
          this.modelError = true;
          this.fail('"model" given twice', at, true);
          return;
        }
        this.nextValueIsModel = true;
      }
      return;
    }
    this.state = State.AfterValue;
    if (role !== StringRole.Model) return;
    this.keepModelBytes(chunk, this.modelStart, at);
    this.modelStart = -1;
    if (this.error !== undefined) return;
    const raw = this.modelParts.length === 1 ? this.modelParts[0]! : Buffer.concat(this.modelParts);
    this.modelParts = [];
    // Escapes are rare in model ids; JSON.parse decodes them exactly as the provider will.
    const model = raw.includes(0x5c) ? (JSON.parse(`"${raw.toString('utf8')}"`) as string) : raw.toString('utf8');
    if (model.length === 0) {
      this.modelError = true;
      this.fail('an empty "model"', at, true);
      return;
    }
    this.model = model;
  }

  private keepModelBytes(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.modelBytes += to - from;
    if (this.modelBytes > MAX_MODEL_BYTES) {
      this.modelError = true;
      this.fail(`a "model" longer than ${MAX_MODEL_BYTES} bytes`, from, true);
      return;
    }
    // A copy: the chunk itself is forwarded and may be reused by the stream.
    this.modelParts.push(Buffer.from(chunk.subarray(from, to)));
  }

  private fail(what: string, at: number, isModel = false): void {
    this.state = State.Failed;
    this.error = isModel ? what : `${what} at byte ${this.offset + at}`;
  }
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function describe(c: number): string {
  return c >= 0x20 && c < 0x7f ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
