import { z } from 'zod';
import type { AppError } from '../errors';

/** Frames on the wire. Requests carry an id the response echoes; events have none. */
export const RequestFrameSchema = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(200),
  params: z.unknown().optional(),
});
export type RequestFrame = z.infer<typeof RequestFrameSchema>;

export type ResponseEnvelope<T = unknown> = { ok: true; result: T } | { ok: false; error: AppError };

export type ResponseFrame = { type: 'response'; id: number | null } & ResponseEnvelope;

export interface EventFrame {
  type: 'event';
  topic: string;
  payload: unknown;
}

export type ServerFrame = ResponseFrame | EventFrame;
export type ClientFrame = RequestFrame;

export const ServerFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('response'),
    id: z.number().int().nullable(),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).passthrough().optional(),
  }),
  z.object({ type: z.literal('event'), topic: z.string(), payload: z.unknown() }),
]);
