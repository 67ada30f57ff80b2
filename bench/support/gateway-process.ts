// Our gateway, alone in its own process, in front of one upstream serving "bench-model".
import { GATEWAY_DEFAULTS } from '../../shared/gateway';
import { GatewayService } from '../../main/services/gateway/gateway-service';
import { StaticUpstreams } from '../../main/services/gateway/upstreams';

const [upstreamUrl] = process.argv.slice(2);
const upstreams = new StaticUpstreams([
  { providerId: 'fast', baseUrl: upstreamUrl!, models: ['bench-model'], healthy: true, state: 'running' },
]);
const gateway = new GatewayService({ upstreams });
const status = await gateway.apply({ ...GATEWAY_DEFAULTS, port: 0 });
if (!status.url) throw new Error(`gateway did not start: ${status.error?.message}`);
console.log(`ready ${new URL(status.url).port}`);
// A clean exit on SIGTERM, so `node --cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
