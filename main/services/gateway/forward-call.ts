import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PassThrough, Readable } from 'node:stream';
import { JsonModelScanner } from './json-model-scanner';
import { clientResponseHeaders, upstreamRequestHeaders } from './header-policy';
import { keepAliveIn } from './keep-alive';
import type { GatewayLimits } from './limits';
import type { OnDemandHook, OnDemandLease } from './on-demand-hook';
import { sendOpenAiError } from '../os/openai-error';
import * as refusals from './refusals';
import { pickTarget, type Route, type RoutingTable, type Target } from './routing-table';
import { UpstreamError, type UpstreamHandler, type UpstreamPool } from './upstream-pool';
import { completionTokensIn } from './upstream-stats';

export interface ForwardContext {
  table(): RoutingTable;
  limits: GatewayLimits;
  /** Kept-alive connections to the upstreams. */
  pool: UpstreamPool;
  /** Something in the stats moved. */
  touched(): void;
  /** Loads models no provider serves yet; asked only on a miss. */
  onDemand?: OnDemandHook;
}

/** Past the limit a refused body is no longer read to the end (so the client sees the 413) but cut. */
const DRAIN_FACTOR = 4;
const USAGE_TAIL_BYTES = 4096;
/** A whole body up to this size is joined into one buffer for the upstream; larger ones are streamed from the pieces. */
const JOIN_BELOW_BYTES = 256 * 1024;
/** Pieces of an answer gathered for one write up to this size; past it they go at once, with backpressure. */
const FLUSH_BYTES = 64 * 1024;

/**
 * One POST through the gateway. The body streams to the chosen upstream as it arrives and is
 * scanned on the way for `model` and JSON validity; the chunks are also kept (up to the body
 * limit) until the upstream's first byte, so a failed attempt can be replayed on the next
 * upstream. After the first byte the upstream's answer goes to the client chunk by chunk, with
 * backpressure: no retry, no buffering.
 */
export class ForwardCall {
  private readonly scanner = new JsonModelScanner();
  private held: Buffer[] = [];
  private received = 0;
  private bodyEnded = false;
  /** We answered (or gave up on) the client: later events only clean up. */
  private done = false;
  private route: Route | undefined;
  private tried = 0;
  /** Bumped per attempt, so the callbacks of an abandoned attempt do nothing. */
  private attempt = 0;
  private target: Target | undefined;
  /** The rest of a body still arriving, for the current attempt. */
  private bodyStream: PassThrough | undefined;
  private abortUpstream: ((error?: Error) => void) | undefined;
  /** The current attempt still counts as in flight in its upstream's stats. */
  private attemptOpen = false;
  private startedAt = 0;
  private retriedStaleSocket = false;
  private committed = false;
  private committedStatus = 0;
  /** Lets the upstream's connection read on once the client has taken what it had (backpressure). */
  private resumeUpstream: (() => void) | undefined;
  private readonly failures: string[] = [];
  private tail: Buffer | undefined;
  private tailBefore: Buffer | undefined;
  /** Waiting for a model to load on demand: the body is held meanwhile, nothing is sent yet. */
  private loading = false;
  private loadAsked = false;
  private lease: OnDemandLease | undefined;
  private keepAlive: number | undefined;
  /** The declared Content-Length; once that many bytes are here the body is whole before 'end' (a tick later). */
  private declared = -1;
  /** What one upstream read held, not yet written to the client (see `flush`). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushQueued = false;
  /** The client's socket is full until 'drain'. */
  private waitingForDrain = false;
  /** The upstream's connection was told to wait (onData answered false) and waits for our resume. */
  private upstreamPaused = false;

  constructor(
    private readonly ctx: ForwardContext,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  /** `declared`: the request's Content-Length header, if it has one. */
  start(declared: string | undefined): void {
    const { req, res } = this;
    req.on('data', this.onData);
    req.on('end', this.onEnd);
    req.on('error', this.onClientGone);
    res.on('close', this.onResponseClose);
    if (declared !== undefined) {
      const bytes = Number(declared);
      if (bytes > this.ctx.limits.maxBodyBytes) this.tooLarge(bytes > this.ctx.limits.maxBodyBytes * DRAIN_FACTOR);
      else if (Number.isSafeInteger(bytes)) this.declared = bytes;
    }
  }

  private readonly onData = (chunk: Buffer): void => {
    this.received += chunk.length;
    if (this.done) {
      // Reading a refused body to its end lets the client see our answer; past a bound, cut it.
      if (this.received > this.ctx.limits.maxBodyBytes * DRAIN_FACTOR) this.req.destroy();
      return;
    }
    if (this.received > this.ctx.limits.maxBodyBytes) return this.tooLarge(false);
    const scanner = this.scanner;
    scanner.push(chunk);
    if (scanner.error !== undefined) return this.badBody();
    if (!this.committed) this.held.push(chunk);
    // A provider picked while the body was still arriving reads the rest from its stream, this
    // last piece included.
    const stream = this.bodyStream;
    if (stream && !stream.write(chunk)) {
      this.req.pause();
      stream.once('drain', this.resumeBody);
    }
    // The usual case: the whole (small) body came in one piece. It is checked and sent as one
    // buffer now, rather than through a stream that waits for 'end'.
    if (this.received === this.declared) return this.bodyComplete();
    if (!stream && this.route === undefined && !this.loading && scanner.model !== undefined) this.routeTo(scanner.model);
  };

  private readonly resumeBody = (): void => {
    this.req.resume();
  };

  private readonly onEnd = (): void => {
    if (this.done || this.bodyEnded) return;
    this.bodyComplete();
  };

  private bodyComplete(): void {
    this.bodyEnded = true;
    const scanner = this.scanner;
    scanner.end();
    if (scanner.error !== undefined) return this.badBody();
    if (this.route === undefined) {
      if (this.loading) return;
      if (scanner.model === undefined) return this.refuseWithChoices((choices) => refusals.missingModel(choices));
      return this.routeTo(scanner.model);
    }
    this.bodyStream?.end();
  }

  private routeTo(model: string): void {
    const table = this.ctx.table();
    const route = table.get(model);
    const healthy = route !== undefined && route.targets.some((t) => t.upstream.healthy);
    if (!healthy && this.ctx.onDemand && !this.loadAsked) return this.loadThenRoute(model);
    if (!route) return this.refuseWithChoices((choices) => refusals.unknownModel(model, choices));
    if (!healthy) return this.refuse(refusals.noHealthyProvider(route));
    this.route = route;
    this.next();
  }

  /** The cold path: nothing reaches the client until the model is loaded, so a failed load is still a clean 503. */
  private loadThenRoute(model: string): void {
    this.loadAsked = true;
    this.loading = true;
    this.ctx.onDemand!.ensure(model).then(
      (outcome) => {
        this.loading = false;
        if (this.done) return;
        if (outcome && !outcome.loaded) return this.refuse(outcome.refusal);
        this.routeTo(model);
      },
      (error: unknown) => {
        this.loading = false;
        this.refuse(refusals.loadFailed(model, (error as Error).message));
      },
    );
  }

  /** Starts the next attempt, or answers 503 when every provider has failed. */
  private next(): void {
    const route = this.route!;
    const index = pickTarget(route, this.tried, performance.now());
    if (index < 0) return this.refuse(refusals.everyProviderFailed(route.model, this.failures));
    this.tried |= 1 << index;
    this.send(route.targets[index]!);
  }

  private send(target: Target): void {
    const ctx = this.ctx;
    // An allowlist (header-policy.ts): never cookies, the gateway's own key, Host or Origin.
    const headers = upstreamRequestHeaders(this.req.rawHeaders, target.hostHeader, target.authorization);

    const attempt = ++this.attempt;
    this.target = target;
    if (target.upstream.lease && !this.lease) this.lease = target.upstream.lease();
    this.attemptOpen = true;
    this.abortUpstream = undefined;
    this.startedAt = performance.now();
    target.stats.begin();
    ctx.touched();

    let discard = false;
    const handler: UpstreamHandler = {
      onConnect: (abort) => {
        if (attempt === this.attempt && !this.done) this.abortUpstream = abort;
        else abort();
      },
      onHeaders: (status, headers, resume) => {
        if (attempt !== this.attempt || this.done) {
          discard = true;
          return;
        }
        if (status >= 500 && this.anotherCandidate()) {
          // Read and drop the failed answer (the connection stays usable) and move on.
          discard = true;
          this.attemptFailed(`HTTP ${status}`, true);
          this.next();
          return;
        }
        this.commit(status, headers, resume);
      },
      onData: (chunk, last) => {
        if (discard || attempt !== this.attempt) return true;
        this.tailBefore = this.tail;
        this.tail = chunk;
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        // The end follows in this same run of callbacks and takes what is pending with it.
        if (last) return true;
        if (this.pendingBytes < FLUSH_BYTES && !this.waitingForDrain) {
          if (!this.flushQueued) {
            this.flushQueued = true;
            process.nextTick(this.flushAtTickEnd);
          }
          return true;
        }
        if (this.flush()) return true;
        this.upstreamPaused = true;
        return false;
      },
      onComplete: () => {
        if (discard || attempt !== this.attempt) return;
        this.res.end(this.takePending());
        if (this.committedStatus >= 500) this.attemptFailed(`HTTP ${this.committedStatus}`, true);
        else this.attemptSucceeded();
        this.endLease();
      },
      onError: (error) => {
        if (discard || attempt !== this.attempt || this.done) return;
        if (this.committed) {
          // Cut by the upstream mid-answer: pass that on as a cut, never as a complete answer.
          this.attemptFailed('the response was cut off', false);
          this.finish();
          this.flush();
          this.res.destroy();
          return;
        }
        this.onAttemptError(error);
      },
    };
    ctx.pool.dispatch(
      {
        origin: target.origin,
        path: target.basePath + this.req.url,
        method: 'POST',
        headers,
        body: this.bodyForAttempt(),
        bodyLength: this.declared >= 0 ? this.declared : undefined,
      },
      handler,
    );
  }

  /** The body so far, and (while it still arrives) a stream for the rest. */
  private bodyForAttempt(): Buffer | Readable {
    const held = this.held;
    if (this.bodyEnded) {
      if (held.length === 1) return held[0]!;
      return this.received <= JOIN_BELOW_BYTES ? Buffer.concat(held) : Readable.from(held);
    }
    this.detachBodyStream();
    const stream = new PassThrough();
    for (const chunk of held) stream.write(chunk);
    this.bodyStream = stream;
    return stream;
  }

  /** The first byte: from here the upstream's answer is the client's answer. */
  private commit(status: number, headers: string[], resume: () => void): void {
    const target = this.target!;
    this.committed = true;
    this.committedStatus = status;
    if (this.lease) this.keepAlive = keepAliveIn(this.held);
    this.held = [];
    this.resumeUpstream = resume;
    target.stats.firstByte(performance.now() - this.startedAt);
    // Hop-by-hop headers and Set-Cookie stay behind (header-policy.ts), as do those `Connection` names.
    this.res.writeHead(status, clientResponseHeaders(headers, target.upstream.providerId));
  }

  /**
   * The upstream's connection hands over everything one socket read held (a whole short answer,
   * or several SSE events) in one synchronous run of callbacks. Written as one piece at the end of
   * that run (or with the end), the head, those pieces and the end leave in one write, rather than
   * one write (and one wake-up of the client, and one chunk header) each. False when the client's
   * socket is full.
   */
  private flush(): boolean {
    const data = this.takePending();
    if (data && !this.res.write(data) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.res.once('drain', this.onDrain);
    }
    return !this.waitingForDrain;
  }

  private takePending(): Buffer | undefined {
    const pending = this.pending;
    if (pending.length === 0) return undefined;
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return data;
  }

  private readonly flushAtTickEnd = (): void => {
    this.flushQueued = false;
    if (this.pending.length > 0 && !this.res.writableEnded && !this.res.destroyed) this.flush();
  };

  /** Only a paused connection is resumed (the resume is bound to this request's exchange anyway). */
  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    if (!this.upstreamPaused) return;
    this.upstreamPaused = false;
    this.resumeUpstream?.();
  };

  /**
   * Lets go of a failed attempt's body stream. The client's request may be paused waiting for that
   * stream's 'drain', which a destroyed stream never sends: it reads on, into the held chunks.
   */
  private detachBodyStream(): void {
    const stream = this.bodyStream;
    if (!stream) return;
    stream.off('drain', this.resumeBody);
    stream.destroy();
    this.bodyStream = undefined;
    if (!this.bodyEnded && this.req.isPaused()) this.req.resume();
  }

  private onAttemptError(error: Error): void {
    this.detachBodyStream();
    // A kept-alive connection the upstream had just closed: the request likely never reached it.
    if (error instanceof UpstreamError && error.stale && !this.retriedStaleSocket) {
      this.retriedStaleSocket = true;
      this.closeAttemptStats();
      this.tried &= ~(1 << this.route!.targets.indexOf(this.target!));
      return this.next();
    }
    this.attemptFailed(refusals.describeUpstreamError(error), true);
    this.next();
  }

  private anotherCandidate(): boolean {
    const targets = this.route!.targets;
    for (let i = 0; i < targets.length; i++) {
      if (targets[i]!.upstream.healthy && (this.tried & (1 << i)) === 0) return true;
    }
    return false;
  }

  private attemptSucceeded(): void {
    if (!this.attemptOpen) return;
    this.attemptOpen = false;
    let tokens: number | undefined;
    if (this.committedStatus === 200 && this.tail) {
      const tail = this.tailBefore ? Buffer.concat([this.tailBefore, this.tail]) : this.tail;
      tokens = completionTokensIn(tail.subarray(Math.max(0, tail.length - USAGE_TAIL_BYTES)).toString('latin1'));
    }
    this.target!.stats.succeeded(performance.now() - this.startedAt, tokens);
    this.ctx.touched();
    this.finish();
  }

  private attemptFailed(reason: string, coolDown: boolean): void {
    if (!this.attemptOpen) return;
    this.attemptOpen = false;
    const target = this.target!;
    this.failures.push(`${target.upstream.providerId}: ${reason}`);
    target.stats.failed(reason, coolDown ? performance.now() + this.ctx.limits.cooldownMs : undefined);
    this.ctx.touched();
  }

  private closeAttemptStats(): void {
    if (!this.attemptOpen) return;
    this.attemptOpen = false;
    this.target!.stats.abandoned();
    this.ctx.touched();
  }

  /** The client went away or its body was refused: the upstream request goes too. */
  private abortAttempt(): void {
    this.attempt++;
    this.closeAttemptStats();
    this.bodyStream?.destroy();
    this.bodyStream = undefined;
    const abort = this.abortUpstream;
    this.abortUpstream = undefined;
    abort?.(new Error('the client went away'));
  }

  private readonly onClientGone = (): void => {
    if (this.done) return;
    this.finish();
    this.abortAttempt();
  };

  private readonly onResponseClose = (): void => {
    if (this.res.writableFinished) return;
    this.onClientGone();
  };

  private badBody(): void {
    this.refuse(refusals.badBody(this.scanner.error!, this.scanner.modelError));
  }

  /** `closeNow`: too big even to read to the end, so the connection closes after the answer. */
  private tooLarge(closeNow: boolean): void {
    this.refuse(refusals.bodyTooLarge(this.ctx.limits.maxBodyBytes), closeNow);
  }

  /** A refusal that lists what may be named instead: the models served now, and those loaded on demand. */
  private refuseWithChoices(refusal: (choices: refusals.Choices) => refusals.Refusal): void {
    const served = this.ctx.table().models();
    const onDemand = this.ctx.onDemand;
    if (!onDemand) return this.refuse(refusal({ served, loadable: [] }));
    onDemand.listed().then(
      (listed) => this.refuse(refusal({ served, loadable: listed.map((m) => m.id).filter((id) => !served.includes(id)) })),
      () => this.refuse(refusal({ served, loadable: [] })),
    );
  }

  private refuse({ status, code, message, param }: refusals.Refusal, close = false): void {
    if (this.done) return;
    this.abortAttempt();
    this.finish();
    sendOpenAiError(this.res, status, code, message, { param, close });
  }

  private finish(): void {
    this.done = true;
    this.held = [];
    this.endLease();
  }

  private endLease(): void {
    const lease = this.lease;
    if (!lease) return;
    this.lease = undefined;
    lease.end(this.keepAlive);
  }
}
