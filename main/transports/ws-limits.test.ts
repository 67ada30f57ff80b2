import { describe, expect, it } from 'vitest';
import { wsLimitsFromEnv } from './ws-limits';

describe('WebSocket limits from the environment', () => {
  it('takes positive whole numbers and ignores anything else', () => {
    expect(
      wsLimitsFromEnv({
        HELIX_LOCAL_LLM_WS_MAX_BUFFERED_BYTES: '4194304',
        HELIX_LOCAL_LLM_WS_HEARTBEAT_MS: ' 500 ',
        HELIX_LOCAL_LLM_WS_MAX_CLIENTS: '3',
      }),
    ).toEqual({ maxBufferedBytes: 4_194_304, heartbeatMs: 500, maxClients: 3 });
    for (const bad of ['0', '-1', '1.5', '1e6', 'abc', '', 'Infinity', '9'.repeat(20)]) {
      expect(wsLimitsFromEnv({ HELIX_LOCAL_LLM_WS_MAX_CLIENTS: bad }), bad).toEqual({});
    }
  });
});
