import { closestName } from '../../../shared/closest-name';
import type { GatewayErrorCode } from './error-codes';
import type { Route } from './routing-table';

/** What the gateway answers a request it cannot forward, in OpenAI's error shape (os/openai-error writes it). */
export interface Refusal {
  status: number;
  code: GatewayErrorCode;
  message: string;
  /** The request field at fault, when there is one. */
  param: string | null;
}

const knownList = (known: string[]) => (known.length ? `: ${known.join(', ')}` : '');

/** What a client may name: the models served now, and those loaded on demand when asked for. */
export interface Choices {
  served: string[];
  loadable: string[];
}

export function missingModel({ served, loadable }: Choices): Refusal {
  return {
    status: 400,
    code: 'missing_model',
    message: `The request has no "model" field. Set "model" to one of the models the gateway serves${knownList([...served, ...loadable])} (GET /v1/models lists them).`,
    param: 'model',
  };
}

export function unknownModel(model: string, { served, loadable }: Choices): Refusal {
  const all = [...served, ...loadable];
  const near = closest(model, all);
  const lists = [
    served.length ? `Served now: ${served.join(', ')}.` : '',
    loadable.length ? `Loaded on demand when asked for: ${loadable.join(', ')}.` : '',
  ].filter(Boolean);
  return {
    status: 404,
    code: 'model_not_found',
    message:
      `The model "${model}" is not served by any provider behind this gateway${near ? `; did you mean "${near}"?` : '.'} ` +
      (all.length
        ? `${lists.join(' ')} Use one of these, or start a provider that serves "${model}".`
        : 'No provider is running: start one (Providers page), then list models with GET /v1/models.'),
    param: 'model',
  };
}

/**
 * The one name a typo most likely meant: the same apart from case and a .gguf ending, else the only
 * name containing the one asked for (or contained in it), else one within two edits.
 */
function closest(model: string, names: string[]): string | undefined {
  const plain = (name: string) => name.toLowerCase().replace(/\.gguf$/, '');
  const wanted = plain(model);
  if (!wanted) return undefined;
  const same = names.filter((name) => plain(name) === wanted);
  if (same.length === 1) return same[0];
  const overlapping = names.filter((name) => plain(name).includes(wanted) || wanted.includes(plain(name)));
  if (overlapping.length === 1) return overlapping[0];
  // Else a typo: the name within two edits.
  const near = closestName(wanted, names.map(plain));
  return near === undefined ? undefined : names.find((name) => plain(name) === near);
}

export function noHealthyProvider(route: Route): Refusal {
  const states = route.targets.map((t) => `${t.upstream.providerId} is ${t.upstream.state}`).join('; ');
  return {
    status: 503,
    code: 'no_healthy_provider',
    message: `No healthy provider serves "${route.model}" right now: ${states}. Wait for it to recover, or restart it.`,
    param: null,
  };
}

/** `failures`: one "provider: reason" per attempt (see describeUpstreamError). */
export function everyProviderFailed(model: string, failures: string[]): Refusal {
  return {
    status: 503,
    code: 'upstream_unavailable',
    message: `Every provider serving "${model}" failed before answering: ${failures.join('; ')}. Check them on the Providers page; the gateway tries them again after a short cool-down.`,
    param: null,
  };
}

/** `error` is the JSON scanner's; `modelError`: it is about the `model` field. */
export function badBody(error: string, modelError: boolean): Refusal {
  if (modelError) {
    return {
      status: 400,
      code: 'invalid_model',
      message: `The request's ${error}: "model" must name one model, as a string.`,
      param: 'model',
    };
  }
  return {
    status: 400,
    code: 'invalid_json',
    message: `The request body is not valid JSON: ${error}. Send one JSON object, such as {"model": "…", "messages": [{"role": "user", "content": "Hi"}]}.`,
    param: null,
  };
}

export function bodyTooLarge(limitBytes: number): Refusal {
  const size = limitBytes >= 1024 * 1024 ? `${Math.round((limitBytes / 1024 / 1024) * 10) / 10} MB` : `${limitBytes} bytes`;
  return {
    status: 413,
    code: 'body_too_large',
    message: `The request body is larger than the gateway accepts (${size}). Send less: fewer or smaller images, or a shorter history.`,
    param: null,
  };
}

/** An upstream failure in a few words, for stats and the 503 that lists them. */
export function describeUpstreamError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'UPSTREAM_HEADERS_TIMEOUT':
      return 'timed out before answering';
    case 'UPSTREAM_CONNECT_TIMEOUT':
      return 'did not accept the connection in time';
    case 'UPSTREAM_CLOSED':
      return 'closed the connection';
    case 'UPSTREAM_BAD_RESPONSE':
      return error.message;
    default:
      return code ? `${code} (${error.message})` : error.message;
  }
}

/** A model the gateway tried to load on demand did not start; `reason` says why (the provider's own words). */
export function loadFailed(model: string, reason: string): Refusal {
  return {
    status: 503,
    code: 'model_load_failed',
    message: `The model "${model}" could not be loaded: ${reason}`,
    param: 'model',
  };
}

/** Loading `model` needs another model unloaded first, and every loaded one is answering requests. */
export function everyModelBusy(model: string, busy: string[], waitedSec: number): Refusal {
  return {
    status: 503,
    code: 'model_busy',
    message: `The model "${model}" is not loaded, and loading it means unloading another, but every loaded model (${busy.join(', ')}) was busy answering requests for ${waitedSec} s. Try again shortly, or raise "Models loaded at once" on the Gateway page.`,
    param: null,
  };
}
